import Foundation

/// One line describing the machine a benchmark ran on, for the reports.
public enum Machine {
    public static func describe() -> String {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?" }
            ?? "unknown CPU"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let memKB = meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal") }
            .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let os = ((try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? "")
            .split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
            .map { $0.dropFirst("PRETTY_NAME=".count).replacingOccurrences(of: "\"", with: "") } ?? "?"
        let date = ISO8601DateFormatter().string(from: Date())
        return "- machine: \(ProcessInfo.processInfo.activeProcessorCount) cores (\(model)), "
            + String(format: "%.0f GiB", Double(memKB) / 1_048_576) + ", \(os); run at \(date)"
    }
}
