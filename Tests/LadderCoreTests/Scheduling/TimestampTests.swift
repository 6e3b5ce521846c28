import Foundation
import Testing
@testable import LadderCore

extension SchedulingTests {
    @Suite struct TimestampTests {
        @Test(arguments: [
            ("2026-11-22T10:00:00Z", 1_795_341_600),
            ("2026-11-22T11:00:00+01:00", 1_795_341_600),
            ("2026-11-22T05:00:00-05:00", 1_795_341_600),
            ("2026-11-22T15:30:00+05:30", 1_795_341_600),
            ("2026-11-22T10:00:00-00:00", 1_795_341_600),
            ("2026-11-22t10:00:00z", 1_795_341_600),
            ("2026-11-22T10:00:00.250Z", 1_795_341_600.25),
            ("2026-11-22T10:00:00.123456789+00:00", 1_795_341_600.123456789),
            ("1970-01-01T00:00:00Z", 0),
            ("1969-12-31T23:59:59Z", -1),
            ("2028-02-29T12:00:00Z", 1_835_438_400),
            ("2000-02-29T00:00:00Z", 951_782_400),
            ("2026-12-31T23:30:00-01:00", 1_798_763_400),
        ] as [(String, TimeInterval)])
        func parses(_ text: String, _ epoch: TimeInterval) throws {
            let date = try Timestamp.parse(text)
            #expect(abs(date.timeIntervalSince1970 - epoch) < 1e-6, "\(date.timeIntervalSince1970)")
        }

        @Test(arguments: [
            ("", "expected an RFC 3339"),
            ("2026-11-22", "a time and offset are required"),
            ("2026-11-22T10:00:00", "offset is missing"),
            ("2026-11-22T10:00", "expected an RFC 3339"),
            ("2026-11-22 10:00:00Z", "expected an RFC 3339"),
            ("26-11-22T10:00:00Z", "expected an RFC 3339"),
            ("2026-11-22T10:00:00Zx", "expected an RFC 3339"),
            ("2026-11-22T10:00:00+0100", "expected an RFC 3339"),
            ("2026-11-22T10:00:00+1:00", "expected an RFC 3339"),
            ("2026-11-22T10:00:00.Z", "needs digits after '.'"),
            ("2026-13-01T00:00:00Z", "month 13 is out of range 1-12"),
            ("2026-00-01T00:00:00Z", "month 0 is out of range 1-12"),
            ("2026-02-29T00:00:00Z", "day 29 is out of range 1-28 for 2026-02"),
            ("2100-02-29T00:00:00Z", "day 29 is out of range 1-28 for 2100-02"),
            ("2026-04-31T00:00:00Z", "day 31 is out of range 1-30 for 2026-04"),
            ("2026-04-00T00:00:00Z", "day 0 is out of range 1-30 for 2026-04"),
            ("2026-11-22T24:00:00Z", "hour 24 is out of range 0-23"),
            ("2026-11-22T10:60:00Z", "minute 60 is out of range 0-59"),
            ("2026-12-31T23:59:60Z", "leap seconds"),
            ("2026-11-22T10:00:00+24:00", "offset hour 24 is out of range 0-23"),
            ("2026-11-22T10:00:00+01:60", "offset minute 60 is out of range 0-59"),
            ("２026-11-22T10:00:00Z", "expected an RFC 3339"),
        ])
        func rejects(_ text: String, _ reason: String) {
            do {
                _ = try Timestamp.parse(text)
                Issue.record("'\(text)' parsed")
            } catch {
                let message = error.localizedDescription
                #expect(message.hasPrefix("bad timestamp '\(text)': "), "\(message)")
                #expect(message.contains(reason), "\(message)")
            }
        }

        @Test(arguments: [
            (1_795_341_600, "2026-11-22T10:00:00Z"),
            (1_795_341_600.999, "2026-11-22T10:00:00Z"),
            (0, "1970-01-01T00:00:00Z"),
            (-1, "1969-12-31T23:59:59Z"),
            (-0.5, "1969-12-31T23:59:59Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (253_402_300_799, "9999-12-31T23:59:59Z"),
        ] as [(TimeInterval, String)])
        func formats(_ epoch: TimeInterval, _ text: String) throws {
            let date = Date(timeIntervalSince1970: epoch)
            #expect(Timestamp.format(date) == text)
            #expect(try Timestamp.parse(text).timeIntervalSince1970 == epoch.rounded(.down))
        }

        @Test func agreesWithFoundationOverManyDays() throws {
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            var epoch: TimeInterval = -2_208_988_800  // 1900-01-01
            while epoch < 4_102_444_800 {  // 2100-01-01
                let date = Date(timeIntervalSince1970: epoch)
                #expect(Timestamp.format(date) == formatter.string(from: date))
                epoch += 86_400 * 13 + 3_607
            }
        }
    }
}
