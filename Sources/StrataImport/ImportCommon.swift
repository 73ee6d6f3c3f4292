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

/// `2024-06-04T00:00:00+00:00`-style timestamps are kept as the tools wrote them.
func nowTimestamp() -> String {
    let f = ISO8601DateFormatter()
    return f.string(from: Date())
}
