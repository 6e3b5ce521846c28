import Foundation
import Testing
@testable import LadderCore

private func weekendFreeze() throws -> TimeWindow {
    try TimeWindow(kind: .deny, schedule: "0 16 * * FRI", duration: "64h", timeZone: "Europe/Berlin", reason: "weekend freeze")
}

private func yearEndFreeze() throws -> TimeWindow {
    try TimeWindow(kind: .deny, from: "2026-12-20T00:00:00Z", until: "2027-01-04T00:00:00Z", reason: "year-end freeze")
}

private func businessHours() throws -> TimeWindow {
    try TimeWindow(kind: .allow, schedule: "0 9 * * MON-FRI", duration: "8h", timeZone: "Europe/Berlin", reason: "business hours")
}

extension SchedulingTests {
    @Suite struct TimeWindowTests {
        // (at, expected start, expected end) of the weekend freeze; nil when inactive.
        @Test(arguments: [
            ("2026-11-22T10:00:00Z", "2026-11-20T15:00:00Z", "2026-11-23T07:00:00Z"),
            ("2026-11-20T15:00:00Z", "2026-11-20T15:00:00Z", "2026-11-23T07:00:00Z"),
            ("2026-11-23T06:59:59Z", "2026-11-20T15:00:00Z", "2026-11-23T07:00:00Z"),
            ("2026-11-23T07:00:00Z", nil, nil),
            ("2026-11-20T14:59:59Z", nil, nil),
            ("2026-11-18T12:00:00Z", nil, nil),
            // Fall-back on 25 October: 64 elapsed hours end at 07:00 CET, not 08:00.
            ("2026-10-24T12:00:00Z", "2026-10-23T14:00:00Z", "2026-10-26T06:00:00Z"),
            ("2026-10-26T06:30:00Z", nil, nil),
            // Spring-forward on 29 March: they end at 09:00 CEST.
            ("2026-03-29T12:00:00Z", "2026-03-27T15:00:00Z", "2026-03-30T07:00:00Z"),
            // Summer time throughout.
            ("2026-07-05T12:00:00Z", "2026-07-03T14:00:00Z", "2026-07-06T06:00:00Z"),
        ] as [(String, String?, String?)])
        func recurringActiveInterval(_ at: String, _ start: String?, _ end: String?) throws {
            let interval = try weekendFreeze().activeInterval(containing: instant(at))
            #expect(interval.map { Timestamp.format($0.start) } == start)
            #expect(interval.map { Timestamp.format($0.end) } == end)
        }

        @Test func elapsedDurationAcrossFallBackEndsAnHourEarlierOnTheWallClock() throws {
            let freeze = try weekendFreeze()
            let interval = try #require(freeze.activeInterval(containing: instant("2026-10-24T12:00:00Z")))
            let berlin = zone("Europe/Berlin")
            #expect(CivilTime.describeLocal(interval.start, in: berlin) == "Fri 2026-10-23 16:00 Europe/Berlin")
            #expect(CivilTime.describeLocal(interval.end, in: berlin) == "Mon 2026-10-26 07:00 Europe/Berlin")
            #expect(interval.duration == 64 * 3_600)
        }

        @Test func overlappingOccurrencesFollowOneAnother() throws {
            let window = try TimeWindow(kind: .deny, schedule: "0 0 * * *", duration: "36h", timeZone: "UTC")
            let interval = try #require(window.activeInterval(containing: instant("2026-11-22T13:00:00Z")))
            #expect(Timestamp.format(interval.start) == "2026-11-22T00:00:00Z")
            #expect(Timestamp.format(interval.end) == "2026-11-23T12:00:00Z")
        }

        @Test(arguments: [
            ("2026-12-19T23:59:59Z", false),
            ("2026-12-20T00:00:00Z", true),
            ("2027-01-03T23:59:59Z", true),
            ("2027-01-04T00:00:00Z", false),
        ])
        func absoluteActiveInterval(_ at: String, _ active: Bool) throws {
            let interval = try yearEndFreeze().activeInterval(containing: instant(at))
            #expect((interval != nil) == active)
            if let interval {
                #expect(interval == DateInterval(start: instant("2026-12-20T00:00:00Z"), end: instant("2027-01-04T00:00:00Z")))
            }
        }

        @Test func openEndedAbsoluteWindows() throws {
            let from = try TimeWindow(kind: .deny, from: "2026-12-20T00:00:00Z", until: nil)
            #expect(from.activeInterval(containing: instant("2099-01-01T00:00:00Z")) != nil)
            #expect(from.activeInterval(containing: instant("2026-12-19T00:00:00Z")) == nil)
            let until = try TimeWindow(kind: .deny, from: nil, until: "2026-12-20T00:00:00Z")
            #expect(until.activeInterval(containing: instant("1999-01-01T00:00:00Z")) != nil)
            #expect(until.activeInterval(containing: instant("2026-12-20T00:00:00Z")) == nil)
        }

        @Test func nextStart() throws {
            let freeze = try weekendFreeze()
            #expect(freeze.nextStart(after: instant("2026-11-18T00:00:00Z")) == instant("2026-11-20T15:00:00Z"))
            let yearEnd = try yearEndFreeze()
            #expect(yearEnd.nextStart(after: instant("2026-11-18T00:00:00Z")) == instant("2026-12-20T00:00:00Z"))
            #expect(yearEnd.nextStart(after: instant("2026-12-20T00:00:00Z")) == nil)
            #expect(yearEnd.nextStart(after: instant("2026-11-18T00:00:00Z"), notAfter: instant("2026-12-01T00:00:00Z")) == nil)
        }

        @Test func validationErrors() {
            func message(_ make: () throws -> TimeWindow) -> String? {
                do {
                    _ = try make()
                    return nil
                } catch {
                    return error.localizedDescription
                }
            }
            #expect(message { try TimeWindow(kind: .deny, schedule: "0 16 * * FRI", duration: "64h", timeZone: "Europe/Berln") }
                == "unknown time zone 'Europe/Berln'")
            #expect(message { try TimeWindow(kind: .deny, schedule: "0 16 * * FRI", duration: "64h", timeZone: "CET-1") }
                == "unknown time zone 'CET-1'")
            #expect(message { try TimeWindow(kind: .deny, schedule: "0 16 * * FRI", duration: "64h", timeZone: "") }
                == "unknown time zone ''")
            #expect(message { try TimeWindow(kind: .deny, schedule: "0 16 * * FRI", duration: "64h", timeZone: "GMT+1") }
                == "unknown time zone 'GMT+1'")
            #expect(message { try TimeWindow(kind: .deny, schedule: "0 16 * * FRI", duration: "64h", timeZone: "europe/berlin") }
                == "unknown time zone 'europe/berlin'")
            #expect(message { try TimeWindow(kind: .deny, schedule: "0 16 * * FRY", duration: "64h", timeZone: "UTC") }
                == "bad cron expression '0 16 * * FRY': day-of-week 'FRY' is not a number or a weekday name (SUN-SAT)")
            #expect(message { try TimeWindow(kind: .deny, schedule: "0 16 * * FRI", duration: "64", timeZone: "UTC") }
                == "bad duration '64': 64 has no unit; add s, m, h, d or w, as in 64m")
            #expect(message { try TimeWindow(kind: .deny, schedule: "0 16 * * FRI", duration: "0h", timeZone: "UTC") }
                == "bad window: duration must be longer than zero")
            #expect(message { try TimeWindow(kind: .deny, from: "2027-01-04T00:00:00Z", until: "2026-12-20T00:00:00Z") }
                == "bad window: 'from' 2027-01-04T00:00:00Z is not before 'until' 2026-12-20T00:00:00Z")
            #expect(message { try TimeWindow(kind: .deny, from: "2026-12-20T00:00:00Z", until: "2026-12-20T01:00:00+01:00") }
                == "bad window: 'from' 2026-12-20T00:00:00Z is not before 'until' 2026-12-20T00:00:00Z")
            #expect(message { try TimeWindow(kind: .deny, from: nil as String?, until: nil) }
                == "bad window: a window needs 'schedule' or at least one of 'from' and 'until'")
            #expect(message { try TimeWindow(kind: .deny, from: "2026-12-20", until: nil) }
                == "bad timestamp '2026-12-20': a time and offset are required, as in 2026-12-20T00:00:00Z")
        }

        @Test(arguments: ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Calcutta", "Etc/UTC", "EST5EDT"])
        func knownTimeZones(_ name: String) throws {
            #expect(try TimeWindow.timeZone(named: name).secondsFromGMT(for: instant("2026-01-15T00:00:00Z"))
                == zone(name).secondsFromGMT(for: instant("2026-01-15T00:00:00Z")))
        }

        @Test func describesWindows() throws {
            #expect(try weekendFreeze().describe() == "deny, \"0 16 * * FRI\" for 64h in Europe/Berlin")
            #expect(try yearEndFreeze().describe() == "deny, 2026-12-20T00:00:00Z to 2027-01-04T00:00:00Z")
            #expect(try TimeWindow(kind: .allow, from: "2026-12-20T00:00:00Z", until: nil).describe()
                == "allow, from 2026-12-20T00:00:00Z on")
            let utc = try TimeWindow(kind: .allow, schedule: "0 9 * * *", duration: "1h", timeZone: "UTC")
            #expect(utc.describe() == "allow, \"0 9 * * *\" for 1h in UTC")
            #expect(utc.describe(occurrence: utc.activeInterval(containing: instant("2026-11-22T09:30:00Z")))
                == "allow, Sun 2026-11-22 09:00 UTC for 1h")
        }
    }
}

extension SchedulingTests {
    @Suite struct WindowPolicyTests {
        @Test func specExampleMessage() throws {
            let decision = try WindowPolicy.evaluate([weekendFreeze(), yearEndFreeze()], at: instant("2026-11-22T10:00:00Z"))
            #expect(!decision.isOpen)
            #expect(decision.basis == .denied)
            #expect(decision.reopensAt == instant("2026-11-23T07:00:00Z"))
            #expect(decision.closesAt == nil)
            #expect(decision.message == """
                closed by "weekend freeze" (deny, Fri 2026-11-20 16:00 Europe/Berlin for 64h) \
                until 2026-11-23T07:00:00Z (in 21h)
                """)
        }

        // (at, open, reopens at or closes at) with the weekend freeze and the year-end freeze.
        @Test(arguments: [
            ("2026-11-18T12:00:00Z", true, "2026-11-20T15:00:00Z"),
            ("2026-11-20T15:00:00Z", false, "2026-11-23T07:00:00Z"),
            ("2026-11-23T07:00:00Z", true, "2026-11-27T15:00:00Z"),
            ("2026-12-16T12:00:00Z", true, "2026-12-18T15:00:00Z"),
            // The weekend freeze runs into the year-end freeze, which runs into the next weekend freeze.
            ("2026-12-19T12:00:00Z", false, "2027-01-04T07:00:00Z"),
            ("2026-12-25T00:00:00Z", false, "2027-01-04T07:00:00Z"),
            ("2027-01-04T07:00:00Z", true, "2027-01-08T15:00:00Z"),
            // Fall-back weekend: the freeze is 64 elapsed hours.
            ("2026-10-24T12:00:00Z", false, "2026-10-26T06:00:00Z"),
        ])
        func denyWindows(_ at: String, _ open: Bool, _ change: String) throws {
            let decision = try WindowPolicy.evaluate([weekendFreeze(), yearEndFreeze()], at: instant(at))
            #expect(decision.isOpen == open)
            #expect(decision.reopensAt.map(Timestamp.format) == (open ? nil : change))
            #expect(decision.closesAt.map(Timestamp.format) == (open ? change : nil))
        }

        @Test func absoluteFreezeAlone() throws {
            let decision = try WindowPolicy.evaluate([yearEndFreeze()], at: instant("2026-12-25T00:00:00Z"))
            #expect(!decision.isOpen)
            #expect(decision.reopensAt == instant("2027-01-04T00:00:00Z"))
            #expect(decision.causes.map(\.interval) == [DateInterval(start: instant("2026-12-20T00:00:00Z"), end: instant("2027-01-04T00:00:00Z"))])
            #expect(decision.message == """
                closed by "year-end freeze" (deny, 2026-12-20T00:00:00Z to 2027-01-04T00:00:00Z) \
                until 2027-01-04T00:00:00Z (in 10d)
                """)
            let after = try WindowPolicy.evaluate([yearEndFreeze()], at: instant("2027-01-04T00:00:00Z"))
            #expect(after.isOpen)
            #expect(after.closesAt == nil)
            #expect(after.message == "open")
        }

        @Test func neverReopensWithinTheHorizon() throws {
            let forever = try TimeWindow(kind: .deny, from: "2026-12-20T00:00:00Z", until: nil, reason: "frozen")
            let decision = WindowPolicy.evaluate([forever], at: instant("2027-06-01T00:00:00Z"))
            #expect(!decision.isOpen)
            #expect(decision.reopensAt == nil)
            #expect(decision.message == "closed by \"frozen\" (deny, from 2026-12-20T00:00:00Z on) with no opening in the next 400d")

            let daily = try TimeWindow(kind: .deny, schedule: "0 0 * * *", duration: "36h", timeZone: "Europe/Berlin")
            let always = WindowPolicy.evaluate([daily], at: instant("2026-11-22T10:00:00Z"))
            #expect(!always.isOpen)
            #expect(always.reopensAt == nil)
            let shortHorizon = WindowPolicy.evaluate([daily], at: instant("2026-11-22T10:00:00Z"), horizon: 86_400 * 2)
            #expect(shortHorizon.message.hasSuffix("with no opening in the next 2d"))

            let later = try TimeWindow(kind: .deny, from: "2026-01-01T00:00:00Z", until: "2028-01-01T00:00:00Z")
            #expect(WindowPolicy.evaluate([later], at: instant("2026-06-01T00:00:00Z")).reopensAt == nil)
            #expect(WindowPolicy.evaluate([later], at: instant("2027-06-01T00:00:00Z")).reopensAt == instant("2028-01-01T00:00:00Z"))
        }

        @Test func denyWinsOverAllow() throws {
            let decision = try WindowPolicy.evaluate([businessHours(), yearEndFreeze()], at: instant("2026-12-21T10:00:00Z"))
            #expect(!decision.isOpen)
            #expect(decision.basis == .denied)
            #expect(decision.causes.map(\.window) == [try yearEndFreeze()])
            // Reopens on the first business morning after the freeze: Monday 4 January, 09:00 CET.
            #expect(decision.reopensAt == instant("2027-01-04T08:00:00Z"))
        }

        // (at, open, basis, reopens at or closes at) with business hours and the weekend freeze.
        @Test(arguments: [
            // Saturday: outside the allow window and inside the freeze.
            ("2026-11-21T12:00:00Z", false, WindowDecision.Basis.denied, "2026-11-23T08:00:00Z"),
            // Monday 08:30 CET: the freeze is over, business hours have not begun.
            ("2026-11-23T07:30:00Z", false, .outsideAllow, "2026-11-23T08:00:00Z"),
            ("2026-11-23T10:00:00Z", true, .insideAllow, "2026-11-23T16:00:00Z"),
            // Friday 16:30 CET: business hours still run, but the freeze has begun.
            ("2026-11-20T15:30:00Z", false, .denied, "2026-11-23T08:00:00Z"),
            // Friday 10:00 CET: open until the freeze starts, an hour before business hours end.
            ("2026-11-20T09:00:00Z", true, .insideAllow, "2026-11-20T15:00:00Z"),
            // Tuesday evening.
            ("2026-11-24T18:00:00Z", false, .outsideAllow, "2026-11-25T08:00:00Z"),
            // Spring forward: the freeze ends at 09:00 CEST, just as business hours begin.
            ("2026-03-30T06:00:00Z", false, .denied, "2026-03-30T07:00:00Z"),
            ("2026-03-30T07:00:00Z", true, .insideAllow, "2026-03-30T15:00:00Z"),
        ])
        func allowWindows(_ at: String, _ open: Bool, _ basis: WindowDecision.Basis, _ change: String) throws {
            let decision = try WindowPolicy.evaluate([businessHours(), weekendFreeze()], at: instant(at))
            #expect(decision.isOpen == open)
            #expect(decision.basis == basis)
            #expect(decision.reopensAt.map(Timestamp.format) == (open ? nil : change))
            #expect(decision.closesAt.map(Timestamp.format) == (open ? change : nil))
        }

        @Test func outsideAllowMessage() throws {
            let decision = try WindowPolicy.evaluate([businessHours()], at: instant("2026-11-24T18:00:00Z"))
            #expect(decision.message == """
                closed: outside the allow window "business hours" (allow, "0 9 * * MON-FRI" for 8h in Europe/Berlin) \
                until 2026-11-25T08:00:00Z (in 14h)
                """)
            let inside = try WindowPolicy.evaluate([businessHours()], at: instant("2026-11-25T09:00:00Z"))
            #expect(inside.message == """
                open within "business hours" (allow, Wed 2026-11-25 09:00 Europe/Berlin for 8h) until 2026-11-25T16:00:00Z
                """)
        }

        @Test func noWindows() {
            let decision = WindowPolicy.evaluate([], at: Date(timeIntervalSince1970: 0))
            #expect(decision.isOpen)
            #expect(decision.basis == .noWindows)
            #expect(decision.reopensAt == nil && decision.closesAt == nil)
            #expect(decision.message == "open: no windows apply")
        }

        @Test func unnamedWindowsAreDescribedByKind() throws {
            let window = try TimeWindow(kind: .deny, from: "2026-12-20T00:00:00Z", until: "2027-01-04T00:00:00Z")
            let decision = WindowPolicy.evaluate([window], at: instant("2027-01-03T22:30:00Z"))
            #expect(decision.message == """
                closed by deny window (deny, 2026-12-20T00:00:00Z to 2027-01-04T00:00:00Z) until 2027-01-04T00:00:00Z (in 1h30m)
                """)
        }
    }
}
