import ArgumentParser
import Foundation

/// The options both benchmark executables take for their catalogs.
public struct CatalogOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Seed for the synthetic catalog generator.", valueName: "n"))
    public var seed: UInt64 = 42
    @Option(name: .customLong("data"), help: ArgumentHelp("Directory for generated catalogs.", valueName: "dir"))
    public var dataDir = "data"
    @Option(help: ArgumentHelp("Folder the demo catalog is built from.", valueName: "dir"))
    public var demoFolder = "../catalog"
    @Flag(name: .customLong("no-demo"), help: "Skip the demo catalog.")
    public var noDemo = false
    @Flag(name: .customLong("no-big"), help: "Skip the generated (big) catalog.")
    public var noBig = false
    @Flag(help: "Only generate (or check) the big catalog, then exit.")
    public var generateOnly = false

    public init() {}
}

extension ParsableCommand {
    /// Parses `CommandLine.arguments`: `--help` prints the help and exits 0; a usage error prints
    /// the error and the usage to stderr and exits 2.
    public static func parseOrExit2() -> Self {
        do {
            return try parse()
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
