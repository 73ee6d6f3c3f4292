import Foundation
import StrataCatalog
import StrataLineage
import StrataTerminal
#if canImport(Glibc)
import Glibc
#endif

/// What `strata lineage +NODE --ids` does, step by step, timed inside a fresh process (so the
/// memory the arrays land in is new to the process, as it is for the real binary: the
/// in-process "warm" numbers reuse freed memory and miss those page faults). Prints the ids
/// to stdout as the binary does, and one JSON line of steps to stderr:
/// `[["step", wall ms, minor page faults, process CPU ms], ...]`.
enum Probe {
    static func run(mode: String, node: String, path: String) throws {
        let steps = StepLog()
        func step<T>(_ name: String, _ body: () throws -> T) rethrows -> T { try steps.step(name, body) }
        let catalog = try step("open") { try Catalog(path: path) }
        switch mode {
        case "arrays":
            let graph = step("graph") { LineageGraph(catalog: catalog) }
            _ = try step("arrays") { try graph.rows(.upstream) }
            _ = try step("walk") { try graph.walk(from: [try catalog.read { try $0.lineageNum(ofID: node) }!], .upstream) }
        default:
            let engine = try step("engine") { try LineageEngine(catalog: catalog) }
            let result = try step("select") { try engine.select(try Selection.parse(["+" + node])) }
            let ids = try step("nodes") { try engine.ids(result.nodes) }
            step("print") {
                // As the binary's sayLines: one write, inert only where a control byte is.
                var out = ""
                for id in ids {
                    out += id.utf8.contains { $0 < 0x20 || $0 == 0x7f || $0 == 0xC2 } ? id.inert(keepLayout: true) : id
                    out += "\n"
                }
                FileHandle.standardOutput.write(Data(out.utf8))
            }
        }
        let json = steps.json()
        FileHandle.standardError.write(Data(json.utf8))
    }

    /// Parses the probe's JSON line: step name to (wall ms, page faults, CPU ms).
    static func parse(_ file: String) throws -> [String: (ms: Double, faults: Int, cpu: Double)] {
        let text = String(decoding: FileManager.default.contents(atPath: file) ?? Data(), as: UTF8.self)
        guard let line = text.split(separator: "\n").last,
              let rows = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [[Any]]
        else { throw BenchError("probe printed no steps: \(text.prefix(500))") }
        var out: [String: (Double, Int, Double)] = [:]
        for r in rows {
            guard r.count == 4, let name = r[0] as? String, let ms = (r[1] as? NSNumber)?.doubleValue,
                  let f = (r[2] as? NSNumber)?.intValue, let c = (r[3] as? NSNumber)?.doubleValue else { continue }
            out[name] = (ms, f, c)
        }
        return out
    }
}
