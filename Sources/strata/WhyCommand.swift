import ArgumentParser
import Foundation
import StrataLogs

struct WhyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "why", abstract: "Why a DAG run failed.")
    @Argument var dag: String
    func run() throws {}
}

enum LogViewerRunner {
    static func run(log: LogFile, theme: String?) throws {}
}
