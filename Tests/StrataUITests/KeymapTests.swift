import Foundation
import StrataTerminal
import StrataTestSupport
import Testing
@testable import StrataUI

@Suite struct KeymapTests {
    @Test func everyActionHasAUniqueNameKeysAndHelp() {
        let names = ActionRegistry.all.map(\.name)
        #expect(Set(names).count == names.count)
        for spec in ActionRegistry.all {
            #expect(!spec.keys.isEmpty && !spec.help.isEmpty && !spec.screens.isEmpty, "\(spec.name)")
        }
    }

    /// No key does two things on one screen.
    @Test func noKeyIsBoundTwiceOnAScreen() {
        let keymap = Keymap()
        for screen in ScreenKind.allCases {
            var seen: [Key: String] = [:]
            for spec in keymap.specs where spec.screens.contains(screen) {
                for key in spec.keys {
                    #expect(seen[key] == nil, "\(key) is \(seen[key] ?? "") and \(spec.name) on \(screen)")
                    seen[key] = spec.name
                }
            }
        }
    }

    @Test func screenActionsWinOverGlobalOnes() {
        let keymap = Keymap()
        #expect(keymap.action(for: .char("j"), on: .browser) == "move.down")
        #expect(keymap.action(for: .char("u"), on: .browser) == "lineage.upstream")
        #expect(keymap.action(for: .char("+"), on: .home) == nil)
        #expect(keymap.action(for: .enter, on: .prompt) == "prompt.accept")
        #expect(keymap.action(for: .char("q"), on: .prompt) == nil)   // typed, not quit
    }

    /// Help lists a global action only with the keys it still has on the screen: in the log
    /// viewer `/`, `?`, `n` and `N` search the log.
    @Test func helpLeavesOutGlobalKeysTheScreenTakes() {
        let keymap = Keymap()
        let sections = keymap.help(for: .log)
        let own = sections.first { $0.0 == .log }?.1 ?? []
        let global = sections.first { $0.0 == .global }?.1 ?? []
        #expect(own.contains { $0.name == "log.search.forward" && $0.keys == [.char("/")] })
        #expect(!global.contains { $0.name == "search.open" || $0.name == "search.next" || $0.name == "search.previous" })
        #expect(global.first { $0.name == "help.toggle" }?.keys == [.function(1)])
        #expect(global.contains { $0.name == "app.back" })
        let onBrowser = keymap.help(for: .browser).first { $0.0 == .global }?.1 ?? []
        #expect(onBrowser.first { $0.name == "help.toggle" }?.keys == [.char("?"), .function(1)])
        #expect(onBrowser.contains { $0.name == "search.open" })
    }

    @Test func keysYamlRemapsAndWarnsWithFileAndLine() {
        var keymap = Keymap()
        let warnings = keymap.apply(yaml: """
            lineage.upstream: [U]
            move.down: [j, down, ctrl-n]
            lineage.upsteam: [x]
            help.toggle: [notakey]
            """, file: "keys.yaml")
        #expect(keymap.action(for: .char("U"), on: .browser) == "lineage.upstream")
        #expect(keymap.action(for: .char("u"), on: .browser) == nil)
        #expect(keymap.action(for: .ctrl("n"), on: .dag) == "move.down")
        #expect(warnings.contains { $0.hasPrefix("keys.yaml:3: unknown action 'lineage.upsteam'") && $0.contains("lineage.upstream") })
        #expect(warnings.contains { $0.hasPrefix("keys.yaml:4: 'notakey' is not a key name") })
    }

    @Test func remappedKeysShowInHelpAndHints() throws {
        var keymap = Keymap()
        _ = keymap.apply(yaml: "search.open: [F]\n", file: "k")
        let app = try makeApp(keymap: keymap)
        #expect(app.screenText.contains("F search"))
        app.press("F", "esc", "?")
        #expect(app.screenText.contains("F                    Search tables"))
    }

    @Test func keyNamesRoundTrip() {
        for key: Key in [.char("j"), .char("G"), .ctrl("d"), .alt("x"), .pageDown, .enter, .backTab, .altLeft, .function(5), .char(" ")] {
            #expect(Key(name: key.description) == key, "\(key)")
        }
    }

    /// The README's key reference is generated from the registry; this fails when they drift.
    @Test func readmeKeyReferenceMatchesTheRegistry() throws {
        let readme = try String(contentsOfFile: repositoryRoot + "/README.md", encoding: .utf8)
        let generated = Keymap().markdownReference()
        #expect(readme.contains(generated), "regenerate the README's key reference with `strata keys`")
    }
}
