import Foundation
import Testing
@testable import StrataImport

/// Times with an offset become UTC, so string order is time order across tools and zones.
@Suite struct UTCTimeTests {
    @Test func offsetsMoveToUTCAndTheRestStays() {
        #expect(UTCTime.normalized("2024-01-01T10:00:00+02:00") == "2024-01-01T08:00:00Z")
        #expect(UTCTime.normalized("2026-11-23T19:52:00.001+10:00") == "2026-11-23T09:52:00.001Z")
        #expect(UTCTime.normalized("2024-06-04T00:00:00+00:00") == "2024-06-04T00:00:00Z")
        #expect(UTCTime.normalized("2024-03-01T01:30:00.5+0200") == "2024-02-29T23:30:00.5Z")   // leap day
        #expect(UTCTime.normalized("2023-12-31T23:00:00-05") == "2024-01-01T04:00:00Z")
        #expect(UTCTime.normalized("2024-06-04 00:00:00,250-01:30") == "2024-06-04T01:30:00.250Z")
        #expect(UTCTime.normalized("2026-11-23T05:39:13.629424Z") == "2026-11-23T05:39:13.629424Z")
        #expect(UTCTime.normalized("2026-11-23T05:39:13z") == "2026-11-23T05:39:13Z")
        for kept in ["2026-11-23T05:39:13", "yesterday", "", "2026-11-23T05:39:13+2", "2026-11-23T05:39:13+02:00:00"] {
            #expect(UTCTime.normalized(kept) == kept)
        }
    }

    /// Against Foundation on times spread over five centuries and every quarter-hour offset.
    @Test func agreesWithFoundation() throws {
        let parse = ISO8601DateFormatter()
        let print = ISO8601DateFormatter()
        print.timeZone = TimeZone(identifier: "UTC")
        var rng = UInt64(42)
        func next(_ n: Int) -> Int { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return Int(rng % UInt64(n)) }
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double(next(1 << 34)) - Double(1 << 33))
            let offsetMinutes = (next(105) - 52) * 15
            let zone = try #require(TimeZone(secondsFromGMT: offsetMinutes * 60))
            let f = ISO8601DateFormatter()
            f.timeZone = zone
            let local = f.string(from: date)   // e.g. 2024-01-01T10:00:00+02:00
            let expected = print.string(from: try #require(parse.date(from: local)))
            #expect(UTCTime.normalized(local) == expected, "\(local)")
        }
    }
}
