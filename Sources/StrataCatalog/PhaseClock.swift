import Foundation

/// Where an import's time goes: with `STRATA_TIMING` set, each `lap` prints the time since the
/// previous one to stderr ("timing: entities 0.912 s"). BENCHMARKS.md quotes these phases;
/// without the variable a lap is one branch.
public struct PhaseClock {
    public static let enabled = ProcessInfo.processInfo.environment["STRATA_TIMING"] != nil
    private var last = ContinuousClock.now

    public init() {}

    public mutating func lap(_ phase: String) {
        guard Self.enabled else { return }
        let now = ContinuousClock.now
        let seconds = Double((now - last).components.attoseconds) / 1e18 + Double((now - last).components.seconds)
        FileHandle.standardError.write(Data("timing: \(phase) \(String(format: "%.3f", seconds)) s\n".utf8))
        last = now
    }
}
