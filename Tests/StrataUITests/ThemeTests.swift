import Foundation
import StrataTerminal
import StrataTestSupport
@testable import StrataUI
import Testing

private let bundledDir = repositoryRoot + "/themes"

private func bundledFiles() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: bundledDir).filter { $0.hasSuffix(".yaml") }.sorted()
}

private func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

/// A valid theme, one line per entry, so tests can edit a known line number.
/// Line 1 is `name:`, line 3 `colors:`, lines 4... the roles, then `stages:`.
private func validLines(name: String = "t") -> [String] {
    ["name: \(name)", "description: test theme", "colors:"]
        + ThemeLoader.colorRoles.map { "  \($0): \"#808080\"" }
        + ["stages: [\"#111111\", \"#222222\"]"]
}

private func lineOf(_ prefix: String, in lines: [String]) -> Int {
    lines.firstIndex { $0.hasPrefix(prefix) }! + 1
}

private func parseError(_ lines: [String], file: String = "t.yaml") -> ThemeError? {
    do {
        _ = try ThemeLoader.parse(lines.joined(separator: "\n") + "\n", file: file)
        return nil
    } catch {
        return error as? ThemeError
    }
}

/// Every style in a Styles value, stages included.
private func allStyles(_ styles: Styles) -> [(String, Style)] {
    Mirror(reflecting: styles).children.flatMap { child -> [(String, Style)] in
        if let s = child.value as? Style { return [(child.label ?? "?", s)] }
        if let list = child.value as? [Style] { return list.map { (child.label ?? "?", $0) } }
        return []
    }
}

// MARK: Colour science for the honesty checks

private func linear(_ c: UInt8) -> Double {
    let v = Double(c) / 255
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
}

private func linearRGB(_ color: Color) -> [Double] {
    guard case .rgb(let r, let g, let b) = color else { return [0, 0, 0] }
    return [linear(r), linear(g), linear(b)]
}

/// WCAG relative luminance.
private func luminance(_ rgb: [Double]) -> Double { 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2] }

private func contrast(_ a: Color, _ b: Color) -> Double {
    let la = luminance(linearRGB(a)), lb = luminance(linearRGB(b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

/// Machado, Oliveira & Fernandes (2009) simulation matrices at full severity, on linear RGB.
private let protanopia: [[Double]] = [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                                      [-0.003882, -0.048116, 1.051998]]
private let deuteranopia: [[Double]] = [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                                        [-0.011820, 0.042940, 0.968881]]

private func simulate(_ rgb: [Double], _ m: [[Double]]) -> [Double] {
    (0..<3).map { i in min(1, max(0, (0..<3).reduce(0) { $0 + m[i][$1] * rgb[$1] })) }
}

/// CIE L*a*b* (D65) from linear sRGB.
private func lab(_ rgb: [Double]) -> [Double] {
    let x = (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.95047
    let y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    let z = (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.08883
    func f(_ t: Double) -> Double { t > 0.008856 ? cbrt(t) : 7.787 * t + 16.0 / 116 }
    return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))]
}

/// How different two colours look to someone with protanopia or deuteranopia, whichever is
/// worse (CIE76 ΔE: about 2 is just noticeable, above ~40 clearly different colours).
private func worstDichromatDifference(_ a: Color, _ b: Color) -> Double {
    [protanopia, deuteranopia].map { m in
        let la = lab(simulate(linearRGB(a), m)), lb = lab(simulate(linearRGB(b), m))
        return sqrt(zip(la, lb).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) })
    }.min()!
}

// MARK: Bundled themes

@Test func everyBundledThemeParsesWithEnoughDistinctStageColours() throws {
    let files = try bundledFiles()
    #expect(files.count >= 6)
    for file in files {
        let theme = try ThemeLoader.parseFile(bundledDir + "/" + file)
        #expect(theme.name + ".yaml" == file)
        #expect(!theme.description.isEmpty, "\(file) has no description")
        #expect(theme.stages.count >= 8, "\(file) has \(theme.stages.count) stage colours")
        if !theme.monochrome {
            #expect(Set(theme.stages).count == theme.stages.count, "\(file) repeats a stage colour")
        }
    }
}

@Test func theSixRequiredThemesExist() {
    let infos = ThemeLoader.available(bundledDir: bundledDir, userDir: nil)
    let names = infos.map(\.name)
    for required in ["default-dark", "light", "high-contrast", "solarized-dark", "colorblind-safe", "monochrome"] {
        #expect(names.contains(required), "missing bundled theme \(required)")
    }
    #expect(names == names.sorted())
    #expect(infos.allSatisfy { $0.source == .bundled && $0.problem == nil })
    #expect(ThemeLoader.defaultName == "default-dark")
}

@Test func darkThemesKeepTheTerminalBackground() throws {
    for name in ["default-dark", "solarized-dark", "colorblind-safe", "light", "monochrome"] {
        let theme = try ThemeLoader.parseFile("\(bundledDir)/\(name).yaml")
        #expect(theme.background == .terminal, "\(name) paints its own background")
    }
}

@Test func solarizedUsesTheRealPalette() throws {
    let t = try ThemeLoader.parseFile(bundledDir + "/solarized-dark.yaml")
    let palette = Set(["#002b36", "#073642", "#586e75", "#657b83", "#839496", "#93a1a1", "#eee8d5", "#fdf6e3",
                       "#b58900", "#cb4b16", "#dc322f", "#d33682", "#6c71c4", "#268bd2", "#2aa198", "#859900"])
    let used = [t.text, t.muted, t.accent, t.selectionFG, t.selectionBG, t.border, t.title, t.ok, t.warn, t.fail,
                t.running, t.skipped, t.upstreamFailed, t.logDebug, t.logInfo, t.logWarning, t.logError,
                t.logCritical] + t.stages
    for c in used { #expect(palette.contains(c.hex ?? ""), "\(c) is not a Solarized colour") }
    #expect(t.fail.hex == "#dc322f" && t.ok.hex == "#859900")
}

/// A sanity check, not a proof: dark themes are measured on black, light on white (the
/// terminal's real background is unknown), high-contrast on its own background.
@Test func bundledColoursAreReadableOnTheBackgroundTheyAssume() throws {
    for file in try bundledFiles() {
        let t = try ThemeLoader.parseFile(bundledDir + "/" + file)
        if t.monochrome { continue }
        let bg: Color = t.background != .terminal ? t.background
            : (t.name == "light" ? .rgb(255, 255, 255) : .rgb(0, 0, 0))
        let minimumText = t.name == "high-contrast" ? 7.0 : 4.5
        #expect(contrast(t.text, bg) >= minimumText, "\(file): text")
        #expect(contrast(t.selectionFG, t.selectionBG) >= 4.5, "\(file): selection")
        let roles: [(String, Color)] = [("muted", t.muted), ("accent", t.accent), ("title", t.title), ("ok", t.ok),
                                        ("warn", t.warn), ("fail", t.fail), ("running", t.running),
                                        ("log_error", t.logError), ("log_warning", t.logWarning)]
        for (role, c) in roles { #expect(contrast(c, bg) >= 3.0, "\(file): \(role)") }
    }
}

@Test func colorblindSafeOkAndFailStayApartForRedGreenColourBlindness() throws {
    let safe = try ThemeLoader.parseFile(bundledDir + "/colorblind-safe.yaml")
    // The measure must catch the problem it is meant to catch: the usual green/red pair of
    // the default theme collapses for deuteranopes...
    let usual = try ThemeLoader.parseFile(bundledDir + "/default-dark.yaml")
    #expect(worstDichromatDifference(usual.ok, usual.fail) < 20)
    // ...while the colour-blind-safe pair stays clearly different, and so do fail and warn.
    #expect(worstDichromatDifference(safe.ok, safe.fail) > 60)
    #expect(worstDichromatDifference(safe.warn, safe.fail) > 25)
    #expect(worstDichromatDifference(safe.ok, safe.running) > 25)
    // Plainly by lightness too: fail is much darker than ok.
    #expect(luminance(linearRGB(safe.ok)) - luminance(linearRGB(safe.fail)) > 0.15)
}

// MARK: NO_COLOR and monochrome

@Test func noColorAndMonochromeUseAttributesOnly() throws {
    var cases: [(String, Styles)] = []
    for file in try bundledFiles() {
        let t = try ThemeLoader.parseFile(bundledDir + "/" + file)
        cases.append(("\(file) with NO_COLOR", t.styles(noColor: true)))
    }
    let mono = try ThemeLoader.parseFile(bundledDir + "/monochrome.yaml")
    #expect(mono.monochrome)
    cases.append(("monochrome.yaml", mono.styles(noColor: false)))
    for (what, styles) in cases {
        let all = allStyles(styles)
        #expect(all.count >= 20)
        for (role, s) in all {
            #expect(s.fg == .terminal && s.bg == .terminal, "\(what): \(role) has a colour")
        }
        #expect(styles.selection.reverse, "\(what): selection is not reversed")
        #expect(!styles.base.reverse)
        #expect(styles.selection != styles.base)
        #expect(styles.fail != styles.ok, "\(what): fail looks like ok")
    }
    // With colour, the default theme does use colour (the test above is not vacuous).
    let dark = try ThemeLoader.parseFile(bundledDir + "/default-dark.yaml").styles(noColor: false)
    #expect(allStyles(dark).contains { $0.1.fg != .terminal })
}

// MARK: Errors name the line

@Test func aValidThemeParses() throws {
    let theme = try ThemeLoader.parse(validLines().joined(separator: "\n"), file: "t.yaml")
    #expect(theme.name == "t" && theme.description == "test theme")
    #expect(theme.text == .rgb(0x80, 0x80, 0x80))
    #expect(theme.stages == [.rgb(0x11, 0x11, 0x11), .rgb(0x22, 0x22, 0x22)])
    #expect(!theme.monochrome)
}

@Test func yamlSyntaxErrorNamesTheLine() {
    var lines = validLines()
    let at = lineOf("  muted:", in: lines)
    lines[at - 1] = " muted: \"#808080\""  // one space: breaks the mapping
    let error = parseError(lines)
    #expect(error?.line == at)
    #expect(error?.message.contains("YAML syntax error") == true)
    #expect(error?.description.hasPrefix("t.yaml:\(at): ") == true)

    var unclosed = validLines()
    let quote = lineOf("  accent:", in: unclosed)
    unclosed[quote - 1] = "  accent: \"#808080"
    #expect(parseError(unclosed)?.line == quote)
}

@Test func unknownColourRoleNamesItsLineAndSuggests() {
    var lines = validLines()
    let at = lineOf("  accent:", in: lines)
    lines[at - 1] = "  acent: \"#808080\""
    let error = parseError(lines, file: "themes/t.yaml")
    #expect(error?.line == at)
    #expect(error?.message.contains("unknown colour role 'acent'") == true)
    #expect(error?.message.contains("did you mean 'accent'") == true)
    #expect(error?.description.hasPrefix("themes/t.yaml:\(at): ") == true)
}

@Test func unknownTopLevelKeyNamesItsLine() {
    var lines = validLines()
    lines.insert("colour_mode: fancy", at: 2)
    let error = parseError(lines)
    #expect(error?.line == 3)
    #expect(error?.message.contains("unknown key 'colour_mode'") == true)
}

@Test func missingRoleNamesTheColorsLine() {
    var lines = validLines()
    lines.remove(at: lineOf("  border:", in: lines) - 1)
    let error = parseError(lines)
    #expect(error?.line == lineOf("colors:", in: lines))
    #expect(error?.message.contains("missing colour role 'border'") == true)
}

@Test func missingTopLevelKeysAreErrors() {
    var noStages = validLines()
    noStages.removeLast()
    #expect(parseError(noStages)?.message.contains("missing required key 'stages'") == true)
    let noColors = ["name: t", "stages: [\"#111111\"]"]
    #expect(parseError(noColors)?.message.contains("missing required key 'colors'") == true)
    let noName = Array(validLines().dropFirst())
    #expect(parseError(noName)?.message.contains("missing required key 'name'") == true)
}

@Test(arguments: ["\"#12345\"", "\"#zzzzzz\"", "red", "\"808080\"", "#808080", "[1, 2]"])
func badColourNamesItsLine(value: String) {
    var lines = validLines()
    let at = lineOf("  warn:", in: lines)
    lines[at - 1] = "  warn: \(value)"
    let error = parseError(lines)
    #expect(error?.line == at, "\(value)")
    #expect(error?.message.contains("'warn'") == true)
    if value == "#808080" {  // unquoted: YAML reads a comment, so the value is empty
        #expect(error?.message.contains("in quotes") == true)
    }
}

@Test func badStageColourNamesItsLine() {
    var lines = validLines()
    lines[lines.count - 1] = "stages:"
    lines += ["  - \"#111111\"", "  - \"#nothex\""]
    let error = parseError(lines)
    #expect(error?.line == lines.count)
    #expect(error?.message.contains("stage colour 2") == true)
}

@Test func nameMustMatchTheFileName() {
    let error = parseError(validLines(name: "other"), file: "themes/t.yaml")
    #expect(error?.line == 1)
    #expect(error?.message.contains("'other'") == true)
    #expect(error?.message.contains("'t'") == true)
}

@Test func duplicateKeyAndMonochromeValueAreErrors() {
    var dup = validLines()
    dup.insert("  text: \"#000000\"", at: lineOf("  text:", in: dup))
    #expect(parseError(dup)?.message.contains("duplicate key 'text'") == true)

    var mono = validLines()
    mono.insert("monochrome: sometimes", at: 2)
    #expect(parseError(mono)?.line == 3)
    #expect(parseError(mono)?.message.contains("true or false") == true)
}

@Test func emptyFileIsAnError() {
    #expect(parseError([""])?.message.contains("empty") == true)
    #expect(parseError(["- just a list"])?.message.contains("mapping") == true)
}

// MARK: Finding, overriding and falling back

@Test func userThemeOverridesBundledOne() throws {
    let user = try makeTempDirectory("themes-user")
    defer { try? FileManager.default.removeItem(atPath: user) }
    var mine = validLines(name: "light")
    mine[1] = "description: my own light"
    try write(mine.joined(separator: "\n"), to: user + "/light.yaml")
    try write(validLines(name: "extra").joined(separator: "\n"), to: user + "/extra.yaml")

    let infos = ThemeLoader.available(bundledDir: bundledDir, userDir: user)
    let light = try #require(infos.first { $0.name == "light" })
    #expect(light.source == .user && light.path == user + "/light.yaml" && light.description == "my own light")
    #expect(infos.filter { $0.name == "light" }.count == 1)
    #expect(infos.first { $0.name == "extra" }?.source == .user)
    #expect(infos.first { $0.name == "default-dark" }?.source == .bundled)
    #expect(infos.map(\.name) == infos.map(\.name).sorted())

    let loaded = ThemeLoader.load(name: "light", bundledDir: bundledDir, userDir: user)
    #expect(loaded.warning == nil)
    #expect(loaded.theme.description == "my own light")
}

@Test func brokenThemeFallsBackToDefaultWithFileAndLine() throws {
    let user = try makeTempDirectory("themes-broken")
    defer { try? FileManager.default.removeItem(atPath: user) }
    var lines = validLines(name: "light")
    let at = lineOf("  accent:", in: lines)
    lines[at - 1] = "  acent: \"#808080\""
    try write(lines.joined(separator: "\n"), to: user + "/light.yaml")

    let (theme, warning) = ThemeLoader.load(name: "light", bundledDir: bundledDir, userDir: user)
    #expect(theme.name == "default-dark")
    #expect(theme == (try ThemeLoader.parseFile(bundledDir + "/default-dark.yaml")))
    let w = try #require(warning)
    #expect(w.hasPrefix("\(user)/light.yaml:\(at): unknown colour role 'acent'"), "\(w)")
    #expect(w.hasSuffix("; using default-dark"))

    // Still listed, with its problem, so `--list-themes` can point at it.
    let info = ThemeLoader.available(bundledDir: bundledDir, userDir: user).first { $0.name == "light" }
    #expect(info?.problem?.line == at)
}

@Test func unknownThemeNameListsTheAvailableOnes() {
    let (theme, warning) = ThemeLoader.load(name: "nope", bundledDir: bundledDir, userDir: nil)
    #expect(theme.name == "default-dark")
    #expect(warning?.contains("unknown theme 'nope'") == true)
    #expect(warning?.contains("colorblind-safe, default-dark, high-contrast, light") == true)
    #expect(warning?.hasSuffix("using default-dark") == true)
    // A path is not a theme name.
    #expect(ThemeLoader.load(name: "../themes/light", bundledDir: bundledDir, userDir: nil).warning != nil)
}

@Test func brokenDefaultFallsBackToBuiltIn() throws {
    let dir = try makeTempDirectory("themes-nodefault")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try write("name: default-dark\ncolors: {}\nstages: [\"#000000\"]\n", to: dir + "/default-dark.yaml")
    let (theme, warning) = ThemeLoader.load(name: "default-dark", bundledDir: dir, userDir: nil)
    #expect(theme == Theme.fallback)
    #expect(warning?.contains("\(dir)/default-dark.yaml:2: missing colour role 'background'") == true)
    #expect(warning?.hasSuffix("using the built-in theme") == true)

    // A broken user copy of the default falls back to the bundled default, not the built-in.
    let user = try makeTempDirectory("themes-userdefault")
    defer { try? FileManager.default.removeItem(atPath: user) }
    try write("name: default-dark\n", to: user + "/default-dark.yaml")
    let second = ThemeLoader.load(name: "default-dark", bundledDir: bundledDir, userDir: user)
    #expect(second.theme.name == "default-dark" && second.theme != Theme.fallback)
    #expect(second.warning?.contains("\(user)/default-dark.yaml:1:") == true)
}

@Test func userThemesDirectoryFollowsXDG() {
    #expect(ThemeLoader.userThemesDirectory(environment: ["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/a"])
            == "/x/cfg/strata/themes")
    #expect(ThemeLoader.userThemesDirectory(environment: ["HOME": "/home/a"]) == "/home/a/.config/strata/themes")
    // A relative XDG_CONFIG_HOME is invalid per the XDG spec and ignored.
    #expect(ThemeLoader.userThemesDirectory(environment: ["XDG_CONFIG_HOME": "cfg", "HOME": "/home/a"])
            == "/home/a/.config/strata/themes")
    #expect(ThemeLoader.userThemesDirectory(environment: [:]) == nil)
}
