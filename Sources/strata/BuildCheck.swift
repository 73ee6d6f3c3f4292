import ArgumentParser
import Foundation
import StrataCatalog
import StrataImport
import StrataYAML

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile a catalog folder into a SQLite catalog file.",
        discussion: """
            The file is written atomically: on any problem nothing is written and an existing \
            output stays exactly as it was. Problems are printed as FILE:LINE: message.
            """)

    @Argument(help: ArgumentHelp("The catalog folder (default: the bundled demo stack).", valueName: "dir"))
    var dir: String?

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The catalog file to write.", valueName: "file"))
    var output: String

    @OptionGroup var out: OutputOptions

    func run() throws {
        let folder = try dir ?? CatalogOptions.demoFolder()
        let content: CatalogContent
        do {
            content = try CatalogBuild.build(folder: folder, output: output)
        } catch let problems as InputProblems {
            throw InputProblems(problems.diagnostics.map { $0.relative(to: folder) })
        }
        var counts: [String: Int] = [:]
        for kind in EntityKind.allCases { counts[kind.rawValue] = content.count(kind) }
        if out.json {
            try printJSON(BuildReport(output: output, counts: counts))
        } else {
            let summary = EntityKind.allCases.filter { counts[$0.rawValue]! > 0 }
                .map { "\(counts[$0.rawValue]!) \($0.plural)" }.joined(separator: ", ")
            say("built \(output): \(summary)")
        }
    }

    struct BuildReport: Encodable { var output: String; var counts: [String: Int] }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a catalog folder without writing anything.",
        discussion: """
            Reports every problem at once as FILE:LINE: message: YAML syntax, unknown keys, \
            wrong types, missing fields, duplicate ids and references to things nobody defined. \
            Exits 1 when there is any problem.
            """)

    @Argument(help: ArgumentHelp("The catalog folder (default: the bundled demo stack).", valueName: "dir"))
    var dir: String?

    @OptionGroup var out: OutputOptions

    func run() throws {
        let folder = try dir ?? CatalogOptions.demoFolder()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw InputProblems([Diagnostic(file: folder, line: 0, message: "no such catalog folder")])
        }
        let result = CatalogFolder.load(folder)
        let problems = result.diagnostics.map { $0.relative(to: folder) }
        if out.json {
            try printJSON(CheckReport(folder: folder, ok: problems.isEmpty, files: result.files.count,
                                      problems: problems))
        } else if problems.isEmpty {
            say("\(folder): ok (\(result.files.count) files, \(result.content.entities.count) entities)")
        } else {
            for p in problems { say(p.description) }
            say("\(problems.count) problem\(problems.count == 1 ? "" : "s") in \(folder)")
        }
        if !problems.isEmpty { throw ExitCode(1) }
    }

    struct CheckReport: Encodable {
        var folder: String
        var ok: Bool
        var files: Int
        var problems: [Diagnostic]
    }
}

extension Diagnostic {
    /// The diagnostic with its file shown under `folder`, as the user typed the folder.
    func relative(to folder: String) -> Diagnostic {
        if file.hasPrefix("/") || file == folder { return self }
        let base = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        return Diagnostic(file: base + "/" + file, line: line, message: message)
    }
}
