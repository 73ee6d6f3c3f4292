import ArgumentParser
import Foundation
import StrataCatalog
import StrataImport
import StrataLineage
import StrataYAML

/// Exit codes: 0 ok, 1 a problem with the input, 2 usage.
@main
struct Strata: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strata",
        abstract: "Explore a company's data stack from the terminal: tables, DAGs, owners, lineage, logs.",
        discussion: """
            Without a subcommand strata opens the terminal UI. Without --catalog every command \
            uses $STRATA_CATALOG, else the bundled demo stack (the catalog/ folder), compiled on \
            first use into $XDG_CACHE_HOME/strata/.
            """,
        subcommands: [Open.self, Build.self, Check.self, Import.self, Stats.self, Stages.self, Search.self, Show.self,
                      Owners.self, Lineage.self, LogCommand.self, WhyCommand.self, ThemesCommand.self, KeysCommand.self],
        defaultSubcommand: Open.self
    )

    static func main() {
        main(Array(CommandLine.arguments.dropFirst()))
    }

    /// Runs strata with `arguments` and exits with its status. ArgumentParser's own exit code
    /// for usage errors (64) is mapped to 2, the convention of most Unix tools.
    static func main(_ arguments: [String]) -> Never {
        PhaseClock.start()
        if let word = unknownCommand(in: arguments) {
            let known = configuration.subcommands.compactMap { $0.configuration.commandName }
            let near = closest(word, in: known, maxDistance: 2).map { "; did you mean '\($0)'?" } ?? ""
            printError("strata: unknown command '\(word)'\(near) (commands: \(known.joined(separator: ", ")))")
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot(arguments)
            PhaseClock.lap("arguments")
            try command.run()
            Foundation.exit(0)
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch let problems as InputProblems {
            printError(problems.description)
            Foundation.exit(1)
        } catch let error as CatalogError {
            printError("strata: \(error)")
            Foundation.exit(1)
        } catch let error as SelectorError {
            // A malformed selector is a usage error; the message says what to write instead.
            printError("strata: \(error)")
            Foundation.exit(2)
        } catch let error as LineageError {
            printError("strata: \(error)")
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            if code == .validationFailure {
                printError(message)
                Foundation.exit(2)
            }
            printError("strata: " + (message.isEmpty ? "\(error)" : message))
            Foundation.exit(1)
        }
    }
}

extension Strata {
    /// The first word that is neither an option nor a subcommand. Without a subcommand strata
    /// opens the UI, which takes no words, so ArgumentParser would blame `open` for "unexpected
    /// arguments" where the user mistyped a command (`strata lineages +x`).
    static func unknownCommand(in arguments: [String]) -> String? {
        let known = Set(configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"])
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { return nil }
            if a.hasPrefix("-") {
                // The UI's options that take a value (--catalog FILE, --theme NAME).
                if a == "--catalog" || a == "--theme" { i += 1 }
                i += 1
                continue
            }
            return known.contains(a) ? nil : a
        }
        return nil
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// `--catalog FILE`, shared by every command that reads a catalog.
struct CatalogOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The catalog to read (default: $STRATA_CATALOG, else the bundled demo stack).",
                                            valueName: "file"))
    var catalog: String?

    /// `--catalog`, else `$STRATA_CATALOG` (where `strata import` writes without --catalog), else
    /// nil: the demo stack.
    var chosenPath: String? {
        if let catalog, !catalog.isEmpty { return catalog }
        return Self.environmentCatalog
    }

    static var environmentCatalog: String? {
        environmentVariable("STRATA_CATALOG").flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Opens the chosen catalog, or the demo one (building it into the cache when needed).
    func open() throws -> Catalog {
        if let path = chosenPath { return try Catalog(path: path) }
        return try Catalog(path: try Self.demoCatalogPath())
    }

    static func demoCatalogPath() throws -> String {
        try DemoCatalog.cachedCatalog(folder: try demoFolder())
    }

    /// The repository this binary was built from (a last resort for finding catalog/ and themes/).
    static let sourceTree = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func demoFolder() throws -> String {
        guard let folder = DemoCatalog.locateFolder(executable: executablePath(), sourceTree: sourceTree) else {
            throw ValidationError("cannot find the demo catalog folder; pass --catalog FILE or set STRATA_DEMO_CATALOG")
        }
        return folder
    }

    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// `--json`, shared by every command that prints facts.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON for scripts instead of text.")
    var json = false
}

