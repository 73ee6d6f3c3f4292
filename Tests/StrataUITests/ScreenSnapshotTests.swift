import SnapshotTesting
import StrataTerminal
import Testing
@testable import StrataUI

/// Every screen rendered into the grid at two sizes and compared as text with the reviewed
/// snapshot in __Snapshots__ (CI runs with SNAPSHOT_TESTING_RECORD=never).
@Suite(.serialized) struct ScreenSnapshotTests {
    static let sizes = [(80, 24), (120, 40)]

    func snap(_ name: String, _ keys: [String]) throws {
        for (w, h) in Self.sizes {
            let app = try makeApp(width: w, height: h)
            for k in keys { app.press(k) }
            assertSnapshot(of: app.screenText, as: .lines, named: "\(w)x\(h)", testName: name)
        }
    }

    @Test func home() throws { try snap("home", []) }
    @Test func browserOnATable() throws { try snap("browser-table", [":", "open analytics.fct_orders", "enter"]) }
    @Test func browserLineageDownstream() throws {
        try snap("browser-downstream", [":", "open raw.shop.orders", "enter", "d", "+"])
    }
    @Test func browserOnATask() throws { try snap("browser-task", [":", "open orders_daily.transform", "enter"]) }
    @Test func ownerPage() throws { try snap("owner", [":", "owner analytics.fct_orders", "enter"]) }
    @Test func dagPage() throws { try snap("dag", [":", "dag orders_daily", "enter"]) }
    @Test func logView() throws { try snap("log", [":", "dag orders_daily", "enter", "L"]) }
    @Test func searchOverlay() throws { try snap("search", ["/", "orders"]) }
    @Test func helpOnTheBrowser() throws { try snap("help-browser", ["b", "?"]) }
    @Test func commandLine() throws { try snap("command", [":", "o", "tab"]) }
}
