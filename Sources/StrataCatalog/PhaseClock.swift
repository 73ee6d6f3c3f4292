import Foundation

/// Where an import's time goes: with `STRATA_TIMING` set, each `lap` prints the time since the
/// previous lap anywhere in the process ("timing: entities 0.412 s") to stderr. BENCHMARKS.md
/// quotes these phases; without the variable a lap is one branch.
public enum PhaseClock {
    public static let enabled = environmentVariable("STRATA_TIMING") != nil
    nonisolated(unsafe) private static var last = ContinuousClock.now
    private static let lock = NSLock()

    /// Starts timing the first phase.
    public static func start() {
        guard enabled else { return }
        lock.withLock { last = ContinuousClock.now }
    }

    public static func lap(_ phase: String) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let elapsed = lock.withLock {
            defer { last = now }
            return now - last
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // Milliseconds below a tenth of a second: a CLI question's phases take fractions of one.
        let shown = seconds < 0.1 ? String(format: "%.3f ms", seconds * 1000) : String(format: "%.3f s", seconds)
        FileHandle.standardError.write(Data("timing: \(phase) \(shown)\n".utf8))
    }
}
