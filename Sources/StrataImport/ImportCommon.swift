import Foundation
import StrataCatalog

/// What an importer produced: the batch to merge, and notes for the user (skipped files...).
public struct ImportPlan: Sendable {
    public var batch = ImportBatch()
    public var warnings: [String] = []
    public init() {}
}

/// The standard ELT stages an imported catalog needs, created when missing. Where imported
/// things go:
/// - dbt sources and seeds, and OpenLineage datasets nobody in the input produces: `load`
///   (data as it lands in the warehouse);
/// - dbt models and snapshots, and OpenLineage datasets some job writes: `transform`;
/// - dbt exposures: `serve`;
/// - DAGs and tasks (Airflow, dbt invocations, OpenLineage jobs): `orchestrate`.
public enum StandardStages {
    static let all: [(id: String, name: String, description: String)] = [
        ("extract", "Sources & extract", "Where data is born and how it leaves its source systems."),
        ("load", "Load & land", "Raw data as it lands in the warehouse: dbt sources and seeds, datasets nobody here produces."),
        ("storage", "Storage (lake & warehouse)", "Where the data lives."),
        ("transform", "Transform & model", "Tables built from other tables: dbt models and snapshots, datasets written by jobs."),
        ("orchestrate", "Orchestrate", "What runs everything in order: Airflow DAGs, dbt invocations, OpenLineage jobs."),
        ("serve", "Serve & activate", "Where data is used: dashboards, exposures, reverse ETL."),
    ]

    static func ensure(_ ids: [String], into plan: inout ImportPlan) {
        for id in ids {
            guard let i = all.firstIndex(where: { $0.id == id }),
                  !plan.batch.ensureStages.contains(where: { $0.entity.id == id }) else { continue }
            let s = all[i]
            plan.batch.ensureStages.append((Entity(id: s.id, kind: .stage, name: s.name, stage: s.id,
                                                   description: s.description), i + 1))
        }
    }
}

enum KnownTools {
    static let all: [String: (name: String, stage: String, description: String)] = [
        "dbt": ("dbt", "transform", "SQL models with tests and docs, built in dependency order."),
        "airflow": ("Airflow", "orchestrate", "Runs DAGs of tasks on a schedule."),
        "spark": ("Spark", "transform", "Distributed data processing."),
        "openlineage": ("OpenLineage", "orchestrate", "Jobs and datasets reported as OpenLineage events."),
    ]

    static func ensure(_ id: String, into plan: inout ImportPlan) {
        guard !plan.batch.ensureTools.contains(where: { $0.entity.id == id }) else { return }
        let t = all[id] ?? (id, "orchestrate", "A tool seen in imported lineage events.")
        StandardStages.ensure([t.stage], into: &plan)
        plan.batch.ensureTools.append((Entity(id: id, kind: .tool, name: t.name, stage: t.stage, description: t.description),
                                       ToolDetail(usedFor: "", docsURL: nil)))
    }
}

enum Owners {
    /// An owner entity for a name and/or email; nil when both are empty. Names with a space or
    /// an email are people, bare handles (`data-eng`) are teams unless `type` says otherwise.
    static func entity(name: String?, email: String? = nil, type: OwnerType? = nil) -> ImportedEntity? {
        let name = name?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        let email = email?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        guard let label = name ?? email else { return nil }
        let id: String
        if let name { id = name.lowercased().split(whereSeparator: { $0 == " " }).joined(separator: ".") } else { id = email!.lowercased() }
        let kind = type ?? ((name?.contains(" ") ?? false) || label.contains("@") ? .person : .team)
        var e = ImportedEntity(Entity(id: id, kind: .owner, name: label))
        e.owner = OwnerDetail(type: kind, email: email)
        return e
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

/// The time of an import, UTC.
func nowTimestamp() -> String {
    let f = ISO8601DateFormatter()
    return f.string(from: Date())
}

/// Run and event times as UTC (`…Z`). The catalog orders runs by comparing these strings, and
/// the screens show their clock digits, so `19:52:00+10:00` (09:52 UTC) must not sort or show
/// after `19:51:01Z`. An ISO 8601 time with an offset (`±HH:MM`, `±HHMM`, `±HH`) is moved to
/// UTC keeping its fraction of a second; `Z` stays; anything else (no offset: the zone is
/// unknown) is kept as written.
enum UTCTime {
    static func normalized(_ s: String) -> String {
        let b = Array(s.utf8)
        // Fast path: already UTC.
        if let last = b.last, last == 0x5A || last == 0x7A { return last == 0x5A ? s : String(s.dropLast()) + "Z" }
        func digits(_ at: Int, _ n: Int) -> Int? {
            guard at + n <= b.count else { return nil }
            var v = 0
            for i in at..<(at + n) {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard b.count >= 20, let year = digits(0, 4), b[4] == 0x2D, let month = digits(5, 2), b[7] == 0x2D,
              let day = digits(8, 2), b[10] == 0x54 || b[10] == 0x20, let hour = digits(11, 2), b[13] == 0x3A,
              let minute = digits(14, 2), b[16] == 0x3A, let second = digits(17, 2) else { return s }
        var i = 19
        if i < b.count, b[i] == 0x2E || b[i] == 0x2C {
            i += 1
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
        }
        let fraction = String(decoding: b[19..<i], as: UTF8.self)
        guard i < b.count, b[i] == 0x2B || b[i] == 0x2D, let oh = digits(i + 1, 2) else { return s }
        var om = 0
        switch b.count - (i + 3) {
        case 0: break
        case 2: guard let m = digits(i + 3, 2) else { return s }; om = m
        case 3: guard b[i + 3] == 0x3A, let m = digits(i + 4, 2) else { return s }; om = m
        default: return s
        }
        let offset = (b[i] == 0x2B ? 1 : -1) * (oh * 3600 + om * 60)
        // Days from 1970-01-01 (Howard Hinnant's days_from_civil), then back.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        let t = days * 86400 + hour * 3600 + minute * 60 + second - offset
        let (d, secs) = (t >= 0 ? t / 86400 : (t - 86399) / 86400, ((t % 86400) + 86400) % 86400)
        let z = d + 719468
        let era2 = (z >= 0 ? z : z - 146096) / 146097
        let doe2 = z - era2 * 146097
        let yoe2 = (doe2 - doe2 / 1460 + doe2 / 36524 - doe2 / 146096) / 365
        let doy2 = doe2 - (365 * yoe2 + yoe2 / 4 - yoe2 / 100)
        let mp = (5 * doy2 + 2) / 153
        let day2 = doy2 - (153 * mp + 2) / 5 + 1
        let month2 = mp < 10 ? mp + 3 : mp - 9
        let year2 = yoe2 + era2 * 400 + (month2 <= 2 ? 1 : 0)
        func pad(_ v: Int, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
        return "\(pad(year2, 4))-\(pad(month2, 2))-\(pad(day2, 2))T\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))"
            + fraction.replacingOccurrences(of: ",", with: ".") + "Z"
    }
}
