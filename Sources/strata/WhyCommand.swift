import ArgumentParser
import Foundation
import StrataCatalog
import StrataLogs
import StrataUI

/// `strata why DAG`: from a failed run to the task that really failed and the line in its log.
struct WhyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why",
        abstract: "Why a DAG run failed: the root failing tasks and the root cause in their logs.",
        discussion: """
            Root failing tasks are failed task instances none of whose upstream nodes failed \
            (upstream_failed tasks never ran; an all_done task that failed after an upstream \
            failure is a consequence). 'strata why dbt' looks at the latest failed run of any \
            DAG whose tool is dbt. Without a DAG: every DAG whose latest run failed, the most \
            recent first, each with where it broke and why (JSON: {"failed_dags": [...]}).
            """)

    @Argument(help: ArgumentHelp("The DAG's id, or dbt for the latest dbt run; none: every DAG whose latest run failed.",
                                 valueName: "dag"))
    var dag: String?
    @Option(name: .customLong("run"), help: ArgumentHelp("The run (default: the latest failed run).", valueName: "run-id"))
    var runID: String?
    @OptionGroup var options: CatalogOptions
    @OptionGroup var out: OutputOptions

    func run() throws {
        let catalog = try options.open()
        guard let dag else { return try everyFailedDag(catalog) }
        let report: WhyReport
        do { report = try WhyReport.make(catalog: catalog, dag: dag, run: runID) } catch let p as WhyReport.Problem {
            printError("strata: \(p)")
            throw ExitCode(1)
        }
        if out.json { return try printJSON(report) }
        say("\(report.dag) · run \(report.run)")
        if report.rootTasks.isEmpty {
            say("no failed task in this run")
            return
        }
        say("broke at: " + report.rootTasks.joined(separator: ", "))
        let consequences = report.failedTasks.filter { !report.rootTasks.contains($0) }
        if !consequences.isEmpty { say("failed as a consequence: " + consequences.joined(separator: ", ")) }
        if !report.upstreamFailedTasks.isEmpty {
            say("never ran (upstream_failed): \(report.upstreamFailedTasks.count) tasks")
        }
        for task in report.rootTasks {
            say("")
            say(task)
            guard let c = report.causes[task] else {
                guard let e = report.earlierCauses[task] else { say("  no log with a root cause for this task"); continue }
                say("  no log with a root cause for this task in this run")
                say("  " + e.line)
                say("  strata why \(report.dag) --run \(e.run)")
                continue
            }
            say("  " + c.summary)
            if let log = c.log, let line = c.line {
                say("  \(log):\(line)")
                say("  \(line): " + c.text)
            }
        }
    }

    /// The on-call's first question: what is broken right now, and where did each break.
    func everyFailedDag(_ catalog: Catalog) throws {
        if runID != nil { throw ValidationError("--run needs a DAG") }
        let failed = try catalog.read { try $0.failedDags() }
        let reports = try failed.map { try WhyReport.make(catalog: catalog, dag: $0.dagID, run: $0.runID) }
        if out.json {
            struct All: Encodable { var failedDags: [WhyReport]; enum CodingKeys: String, CodingKey { case failedDags = "failed_dags" } }
            return try printJSON(All(failedDags: reports))
        }
        guard !reports.isEmpty else { return say("no DAG's latest run failed") }
        say("\(reports.count) DAG\(reports.count == 1 ? "" : "s") failed in \(reports.count == 1 ? "its" : "their") latest run (strata why DAG for the whole story)")
        for r in reports {
            say("")
            let tasks = r.rootTasks.map { t in t.hasPrefix(r.dag + ".") ? String(t.dropFirst(r.dag.count + 1)) : t }
            say("\(r.dag) · run \(r.run)" + (tasks.isEmpty ? "" : " · broke at " + tasks.joined(separator: ", ")))
            if let c = r.rootCause {
                say("  " + c.summary)
                if let log = c.log, let line = c.line { say("  \(log):\(line)") }
            } else if let e = r.rootTask.flatMap({ r.earlierCauses[$0] }) {
                say("  no log with a root cause; " + e.line)
            } else if !r.rootTasks.isEmpty {
                say("  no log with a root cause")
            }
        }
    }
}
