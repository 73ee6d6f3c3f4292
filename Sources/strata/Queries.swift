import ArgumentParser
import Foundation
import StrataCatalog
import StrataTerminal
import StrataUI

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Count what the catalog holds, by kind.")
    @OptionGroup var options: CatalogOptions
    @OptionGroup var out: OutputOptions

    func run() throws {
        let stats = try options.open().read { try $0.stats() }
        if out.json { return try printJSON(stats) }
        let order = EntityKind.allCases.map(\.rawValue) + ["column", "run", "task_instance", "edge"]
        for line in columns(order.map { [$0, String(stats[$0] ?? 0)] }) { say(line) }
    }
}

struct Stages: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stages",
        abstract: "The stack map: ELT stages in order, each with its tools.")
    @OptionGroup var options: CatalogOptions
    @OptionGroup var out: OutputOptions

    struct StageJSON: Encodable {
        var id: String, name: String, order: Int, description: String
        var tableCount: Int, dagCount: Int, dashboardCount: Int
        var tools: [ToolJSON]
    }
    struct ToolJSON: Encodable { var id: String, name: String, description: String }

    func run() throws {
        let stages = try options.open().read { try $0.stages() }
        if out.json {
            return try printJSON(stages.map { s in
                StageJSON(id: s.stage.id, name: s.stage.name, order: s.position, description: s.stage.description,
                          tableCount: s.tableCount, dagCount: s.dagCount, dashboardCount: s.dashboardCount,
                          tools: s.tools.map { ToolJSON(id: $0.id, name: $0.name, description: $0.description) })
            })
        }
        for s in stages {
            let counts = [EntityKind.tool.counted(s.tools.count), EntityKind.table.counted(s.tableCount),
                          EntityKind.dag.counted(s.dagCount)]
                + (s.dashboardCount > 0 ? [EntityKind.dashboard.counted(s.dashboardCount)] : [])
            say("\(s.position). \(s.stage.name) [\(s.stage.id)]  " + counts.joined(separator: ", "))
            for line in columns(s.tools.map { [$0.name, firstSentence($0.description)] }, indent: "     ") { say(line) }
        }
    }
}

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search names, ids, descriptions, columns, tags and owners; best matches first.",
        discussion: "Every word must match the start of a word (so `ord cust` finds dim_customers' orders columns). Punctuation and operators are plain text.")
    @Argument(help: "What to look for.") var query: String
    @Option(help: ArgumentHelp("Only this kind: \(EntityKind.allCases.map(\.rawValue).joined(separator: ", ")).",
                               valueName: "kind"))
    var kind: EntityKind?
    @Option(help: "At most this many results.") var limit = 20
    @OptionGroup var options: CatalogOptions
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
        if query.allSatisfy(\.isWhitespace) { throw ValidationError("give something to look for, e.g. strata search orders") }
    }

    func run() throws {
        let hits = try options.open().read { try $0.search(query, kind: kind, limit: limit) }
        if out.json { return try printJSON(["results": hits]) }
        if hits.isEmpty { return say("no match for '\(query)'") }
        for line in columns(hits.map { [$0.kind.rawValue, $0.id, $0.stage ?? "", $0.name == $0.id ? "" : $0.name] }) {
            say(line)
        }
    }
}

extension EntityKind: ExpressibleByArgument {}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Everything about one entity: description, owner, columns, lineage neighbours, latest runs.")
    @Argument(help: "The entity's id (see `strata search`).") var id: String
    @Option(help: "How many latest runs to show.") var runs = 5
    @OptionGroup var options: CatalogOptions
    @OptionGroup var out: OutputOptions

    /// The entity's detail plus what importers know of it (sources, dbt identity, checks).
    struct ShowJSON: Encodable {
        var detail: EntityDetail
        var imported: ImportDetail
        func encode(to encoder: Encoder) throws {
            try detail.encode(to: encoder)
            var c = encoder.container(keyedBy: Key.self)
            if !imported.sources.isEmpty { try c.encode(imported.sources, forKey: .sources) }
            if let dbt = imported.dbt { try c.encode(dbt, forKey: .dbt) }
            if let r = imported.relation { try c.encode(r, forKey: .relation) }
            if !imported.checks.isEmpty { try c.encode(imported.checks, forKey: .checks) }
        }
        enum Key: String, CodingKey { case sources, dbt, relation, checks }
    }

    func run() throws {
        let (d, imported) = try options.open().read { r in
            let id = try r.resolve(self.id)
            return (try r.detail(id, runLimit: runs), try r.importDetail(id))
        }
        if out.json { return try printJSON(ShowJSON(detail: d, imported: imported)) }
        let e = d.entity
        say("\(e.name)  (\(e.kind.rawValue)\(e.name == e.id ? "" : ", id \(e.id)"))")
        var facts: [String] = []
        if let s = e.stage, e.kind != .stage { facts.append("stage: \(d.stageName ?? s)") }
        if let o = e.owner, e.kind != .owner { facts.append("owner: \(d.ownerName ?? o) (\(o))") }
        if let t = e.tool { facts.append("tool: \(d.toolName ?? t)") }
        if let p = d.table?.platform { facts.append("platform: \(p)") }
        if let m = d.table?.materialization { facts.append("materialized as \(m)") }
        if let s = d.schedule { facts.append("schedule: \(s)") }
        if let t = d.task {
            facts.append("DAG: \(t.dagID)")
            if let op = t.operatorName { facts.append("operator: \(op)") }
            if t.triggerRule != "all_success" { facts.append("trigger rule: \(t.triggerRule)") }
            if t.retries > 0 { facts.append("retries: \(t.retries)") }
        }
        if !facts.isEmpty { say(facts.joined(separator: " · ")) }
        if !e.tags.isEmpty { say("tags: " + e.tags.joined(separator: ", ")) }
        if !e.description.isEmpty { say(); say(e.description.trimmingCharacters(in: .whitespacesAndNewlines)) }
        if let t = d.tool {
            if !t.usedFor.isEmpty { say(); say("Here: " + t.usedFor.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if let url = t.docsURL { say("Docs: \(url)") }
        }
        if let o = d.owner { printContact(o) }
        if let url = d.dashboardURL { say("URL: \(url)") }
        if let see = d.seeAlso, !see.isEmpty { say("See also: " + see.joined(separator: ", ")) }
        if let cols = d.table?.columns, !cols.isEmpty {
            say(); say("Columns (\(cols.count))")
            let described = cols.map { ColumnDescription.layout($0.description, width: 96) }
            let lines = columns(zip(cols, described).map { c, d in [c.name, c.type ?? "", TextWidth.truncate(d.summary, to: 80)] },
                                indent: "  ")
            // A description's Markdown table or list goes under its column's row.
            for (line, d) in zip(lines, described) {
                say(line)
                for more in d.more { say("      " + more) }
            }
        }
        if let tasks = d.tasks, !tasks.isEmpty {
            say(); say("Tasks (\(tasks.count), in dependency order)")
            for line in columns(tasks.map { t in
                [t.detail.taskID, t.detail.operatorName ?? "",
                 t.upstream.isEmpty ? "" : "after " + t.upstream.map { $0.split(separator: ".").last.map(String.init) ?? $0 }
                    .joined(separator: ", ")]
            }, indent: "  ") { say(line) }
        }
        if !imported.checks.isEmpty {
            say(); say("Checks (\(imported.checks.count))")
            for line in columns(imported.checks.map { c in
                [c.check.column ?? "(table)", c.check.test ?? "", c.check.name, c.lastState ?? ""]
            }, indent: "  ") { say(line) }
        }
        printNeighbors("Upstream", d.upstream)
        printNeighbors("Downstream", d.downstream)
        if !d.runs.isEmpty {
            say(); say("Latest runs")
            for line in columns(d.runs.map { r in
                var row = [r.start ?? "", r.dagID, r.runID, r.state]
                if let states = r.taskStates {
                    row.append(states.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
                } else {
                    row.append(r.tries.map { $0 > 1 ? "\($0) tries" : "" } ?? "")
                }
                return row
            }, indent: "  ") { say(line) }
            // What the latest failure said (dbt's message, OpenLineage's errorMessage).
            if let failed = d.runs.first(where: { $0.message != nil }), let m = failed.message {
                say("  \(failed.runID): " + WhyReport.summary(ofMessage: m))
            }
        }
        if imported.dbt != nil || !imported.sources.isEmpty {
            say(); say("Sources")
            if let n = imported.dbt {
                say("  dbt \(n.resourceType) \(n.fqn)" + (n.originalFilePath.isEmpty ? "" : " (\(n.originalFilePath))"))
                let governance = [n.access.isEmpty ? nil : "access \(n.access)", n.group.isEmpty ? nil : "group \(n.group)",
                                  n.version.isEmpty ? nil : "version \(n.version)"
                                      + (n.latestVersion.isEmpty ? "" : n.version == n.latestVersion ? " (the latest)" : " (latest \(n.latestVersion))")]
                    .compactMap { $0 }
                if !governance.isEmpty { say("    " + governance.joined(separator: " · ")) }
            }
            if let r = imported.relation { say("  warehouse relation: \(r)") }
            for line in columns(imported.sources.map { [$0.importer, $0.file, "imported \($0.importedAt)"] }, indent: "  ") {
                say(line)
            }
        }
    }

    private func printContact(_ o: OwnerDetail) {
        say()
        var lines: [String] = []
        if let r = o.role { lines.append("role: \(r)") }
        if let t = o.team { lines.append("team: \(t)") }
        if let c = o.channel { lines.append("channel: \(c)") }
        if let m = o.email { lines.append("email: \(m)") }
        if let oc = o.oncall { lines.append("on-call: \(oc)") }
        if !o.askMeAbout.isEmpty { lines.append("ask about: " + o.askMeAbout.joined(separator: ", ")) }
        for l in lines { say(l) }
    }

    private func printNeighbors(_ title: String, _ list: [Neighbor]) {
        guard !list.isEmpty else { return }
        say(); say("\(title) (\(list.count))")
        for line in columns(list.map { [$0.kind.rawValue, $0.id, $0.sources.map(\.rawValue).joined(separator: ",")] },
                            indent: "  ") { say(line) }
    }
}

struct Owners: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "owners",
        abstract: "Who to ask about something: the owning team and people, contact, on-call, and what else they own.")
    @Argument(help: "Any entity's id, or a team's or person's.") var id: String
    @OptionGroup var options: CatalogOptions
    @OptionGroup var out: OutputOptions

    func run() throws {
        let o = try options.open().read { try $0.ownership(of: id) }
        if out.json { return try printJSON(o) }
        guard let owner = o.owner else { return say("\(o.subject.id) has no owner in this catalog") }
        if o.subject.kind != .owner {
            say("\(o.subject.id) is owned by \(owner.entity.name) (\(owner.entity.id))")
        }
        if owner.detail.type == .person {
            say(); say("\(owner.entity.name) (\(owner.entity.id))")
            for line in contactLines(owner.detail) { say("  " + line) }
            if o.team == nil { say("  team: none recorded") }
        }
        if let team = o.team {
            say(); say("Team: \(team.entity.name) (\(team.entity.id))")
            for line in contactLines(team.detail) { say("  " + line) }
            if !team.entity.description.isEmpty { say("  " + firstSentence(team.entity.description, max: 160)) }
        }
        if !o.people.isEmpty {
            say(); say("People")
            for line in columns(o.people.map { p in
                [p.entity.name, p.detail.role ?? "", p.detail.channel ?? "", p.detail.oncall.map { "on-call: \($0)" } ?? ""]
            }, indent: "  ") { say(line) }
        }
        if !o.owns.isEmpty {
            say(); say("They also own")
            for kind in o.owns.keys.sorted() {
                let items = o.owns[kind]!
                say("  \(kind.plural) (\(o.ownsCount[kind] ?? items.count)): " + items.prefix(12).map(\.id).joined(separator: ", ")
                    + (items.count > 12 ? ", …" : ""))
            }
        }
    }

    private func contactLines(_ d: OwnerDetail) -> [String] {
        [d.role.map { "role: \($0)" }, d.channel.map { "channel: \($0)" }, d.email.map { "email: \($0)" },
         d.oncall.map { "on-call: \($0)" },
         d.askMeAbout.isEmpty ? nil : "ask about: " + d.askMeAbout.joined(separator: ", ")].compactMap { $0 }
    }
}
