import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Wall time, CPU time and page faults of each named step of one process, printed as one JSON
/// line for the parent to read: what Probe reports.
final class StepLog {
    private let clock = ContinuousClock()
    private(set) var steps: [(name: String, wallMs: Double, faults: Int, cpuMs: Double)] = []

    func step<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let f0 = Self.faults(), c0 = Self.cpu()
        let t0 = clock.now
        let r = try body()
        steps.append((name, (clock.now - t0).milliseconds, Self.faults() - f0, Self.cpu() - c0))
        return r
    }

    func json() -> String {
        "[" + steps.map { "[\"\($0.name)\", \($0.wallMs), \($0.faults), \($0.cpuMs)]" }.joined(separator: ", ") + "]\n"
    }

    static func cpu() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
    }

    static func faults() -> Int {
        var ru = rusage()
        getrusage(RUSAGE_SELF.rawValue, &ru)
        return ru.ru_minflt
    }
}
