import StrataCatalog
import StrataTerminal

/// Who to ask: the owning team and its people with their contact channels and on-call, and
/// everything they own, grouped by kind. Enter opens any of it.
public final class OwnerScreen: Screen {
    public let kind = ScreenKind.owner
    let ownership: Ownership
    var pane: TextPane
    var area = Rect(x: 0, y: 0, width: 0, height: 0)
    /// The width the paragraphs are wrapped at: the pane's, re-wrapped on a resize.
    var wrapWidth = 90

    public init(catalog: Catalog, id: String) throws {
        ownership = try catalog.read { try $0.ownership(of: id) }
        pane = TextPane(Self.lines(ownership, width: wrapWidth))
    }

    public var title: String { "Owner · " + (ownership.owner?.entity.name ?? ownership.subject.name) }
    public var selectedEntityID: String? { pane.selectedTarget ?? ownership.owner?.entity.id }

    static func lines(_ o: Ownership, width: Int) -> [Line] {
        var out: [Line] = []
        guard let owner = o.owner else {
            return [Line("\(o.subject.name) has no owner in this catalog", .muted),
                    Line("Ask in the channel of the team that owns its stage or tool.", .muted)]
        }
        if o.subject.kind != .owner {
            out.append(Line([("Who to ask about ", .muted), (o.subject.name, .title)], target: o.subject.id))
            out.append(.blank)
        }
        func contact(_ c: Contact, heading: String) {
            out.append(Line([(heading, .heading), (c.entity.name, .title), ("  " + c.entity.id, .muted)], target: c.entity.id))
            let d = c.detail
            for (label, value) in [("role", d.role), ("channel", d.channel), ("email", d.email), ("on-call", d.oncall)] {
                if let value { out.append(Line([("  " + TextWidth.pad(label, to: 9), .muted), (value, label == "on-call" ? .accent : .base)])) }
            }
            if !d.askMeAbout.isEmpty { out.append(Line([("  ask about ", .muted), (d.askMeAbout.joined(separator: ", "), .base)])) }
            if !c.entity.description.isEmpty { out += paragraph(c.entity.description, width: width, .muted, indent: "  ") }
        }
        if owner.detail.type == .person { contact(owner, heading: "Owner  "); out.append(.blank) }
        if let team = o.team { contact(team, heading: "Team  "); out.append(.blank) }
        if !o.people.isEmpty {
            out.append(Line("People (\(o.people.count))", .heading))
            for p in o.people {
                // Cut to leave a gap: a long role ran into the channel ("Engineer@jun.park").
                var spans: [(String, Line.Role)] = [("  " + TextWidth.pad(TextWidth.truncate(p.entity.name, to: 18), to: 20), .base),
                                                    (TextWidth.pad(TextWidth.truncate(p.detail.role ?? "", to: 28), to: 30), .muted),
                                                    (p.detail.channel ?? "", .accent)]
                if let oncall = p.detail.oncall { spans.append(("  on-call: " + oncall, .accent)) }
                out.append(Line(spans, target: p.entity.id))
            }
            out.append(.blank)
        }
        for kind in o.owns.keys.sorted() {
            let items = o.owns[kind]!
            let total = o.ownsCount[kind] ?? items.count
            out.append(Line("Owns " + kind.counted(total), .heading))
            for e in items {
                out.append(Line([("  " + e.name, .base), ("  " + (e.stage ?? ""), .stage(e.stage))], target: e.id))
            }
            if total > items.count { out.append(Line("  … \(total - items.count) more: / searches them", .muted)) }
            out.append(.blank)
        }
        return out
    }

    public func perform(_ action: String, pageSize: Int) -> Outcome? {
        if pane.perform(action, rows: area.height) { return .handled }
        if action == "item.open", let target = pane.selectedTarget { return .open(.entity(target)) }
        return nil
    }

    public func mouse(_ event: MouseEvent) -> Outcome? {
        if event.action == .wheelUp || event.action == .wheelDown {
            return perform(event.action == .wheelUp ? "move.up" : "move.down", pageSize: 0)
        }
        guard let i = pane.lineIndex(atRow: event.y, area: area), pane.lines[i].target != nil else { return nil }
        pane.selected = i
        return event.action == .doubleClick ? .open(.entity(pane.lines[i].target!)) : .handled
    }

    public func render(into grid: inout Grid, area: Rect, context: RenderContext) {
        let inner = grid.box(area, title: title, style: context.styles.border, titleStyle: context.styles.title)
        self.area = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 1, height: inner.height)
        let width = max(20, min(100, self.area.width - 1))
        if width != wrapWidth {
            wrapWidth = width
            let selected = pane.selected
            pane = TextPane(Self.lines(ownership, width: width))
            if let selected, selected < pane.lines.count, pane.lines[selected].target != nil { pane.selected = selected }
        }
        pane.render(into: &grid, area: self.area, context: context, focused: true)
    }
}
