import Foundation

/// The value of one environment variable, nil when unset. `getenv` reads it in place, where
/// `ProcessInfo.processInfo.environment` first copies the whole environment into a dictionary:
/// 4 % of a short `strata lineage` in perf, paid before the first argument is parsed.
public func environmentVariable(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}
