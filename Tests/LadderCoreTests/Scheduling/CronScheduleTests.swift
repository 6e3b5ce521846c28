import Foundation
import Testing
@testable import LadderCore

extension SchedulingTests {
    static func instant(_ text: String) -> Date {
        do {
            return try Timestamp.parse(text)
        } catch {
            Issue.record("bad test timestamp \(text): \(error)")
            return .distantPast
        }
    }

    static func zone(_ identifier: String) -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else {
            Issue.record("no time zone \(identifier)")
            return .gmt
        }
        return zone
    }
}

extension SchedulingTests {
    @Suite struct CronParsingTests {
        @Test func reportsTheFieldAndReason() {
            do {
                _ = try CronSchedule(parsing: "0 25 * * *")
                Issue.record("parsed")
            } catch let error as SchedulingError {
                #expect(error.localizedDescription == "bad cron expression '0 25 * * *': hour 25 is out of range 0-23")
                #expect(error == .badCron(expression: "0 25 * * *", field: .hour, reason: "hour 25 is out of range 0-23"))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }

        @Test(arguments: [
            ("", nil, "expected 5 fields (minute hour day-of-month month day-of-week), found 0"),
            ("* * * *", nil, "found 4"),
            ("* * * * * *", nil, "found 6"),
            ("@reboot", nil, "unknown shorthand '@reboot'"),
            ("60 * * * *", .minute, "minute 60 is out of range 0-59"),
            ("* 24 * * *", .hour, "hour 24 is out of range 0-23"),
            ("* * 0 * *", .dayOfMonth, "day-of-month 0 is out of range 1-31"),
            ("* * 32 * *", .dayOfMonth, "day-of-month 32 is out of range 1-31"),
            ("* * * 0 *", .month, "month 0 is out of range 1-12"),
            ("* * * 13 *", .month, "month 13 is out of range 1-12"),
            ("* * * * 8", .dayOfWeek, "day-of-week 8 is out of range 0-7"),
            ("* * * * 99999999999999999999999", .dayOfWeek, "out of range 0-7"),
            ("* * * FOO *", .month, "month 'FOO' is not a number or a month name (JAN-DEC)"),
            ("* * * * FUN", .dayOfWeek, "day-of-week 'FUN' is not a number or a weekday name (SUN-SAT)"),
            ("* * * * MONDAY", .dayOfWeek, "day-of-week 'MONDAY' is not a number"),
            ("MON * * * *", .minute, "minute 'MON' is not a number"),
            ("* * JAN * *", .dayOfMonth, "day-of-month 'JAN' is not a number"),
            ("* * 20-10 * *", .dayOfMonth, "day-of-month range 20-10 is reversed"),
            ("* * * * FRI-MON", .dayOfWeek, "day-of-week range FRI-MON is reversed"),
            ("*/0 * * * *", .minute, "minute step 0 must be at least 1"),
            ("* 1-5/0 * * *", .hour, "hour step 0 must be at least 1"),
            ("*/x * * * *", .minute, "minute step 'x' is not a number"),
            ("*/ * * * *", .minute, "minute step '' is not a number"),
            ("*/60 * * * *", .minute, "minute step 60 is out of range 1-59"),
            ("1,,2 * * * *", .minute, "minute '1,,2' has an empty list item"),
            ("1, * * * *", .minute, "has an empty list item"),
            ("1-2-3 * * * *", .minute, "minute '1-2-3' is not a value, a range or a step"),
            ("1/2/3 * * * *", .minute, "minute '1/2/3' has more than one step"),
            ("-1 * * * *", .minute, "minute '' is not a number"),
            ("0 0 * * 1-", .dayOfWeek, "day-of-week '' is not a number"),
            ("0 0 30 2 *", .dayOfMonth, "day-of-month '30' never occurs in month '2'"),
            ("0 0 31 APR,JUN *", .dayOfMonth, "never occurs"),
            ("0 0 30,31 FEB */2", .dayOfMonth, "never occurs"),
            ("0 0 ? * *", .dayOfMonth, "day-of-month '?' is not a number"),
            ("0 0 * * 1.5", .dayOfWeek, "day-of-week '1.5' is not a number"),
        ] as [(String, CronSchedule.Field?, String)])
        func rejects(_ expression: String, _ field: CronSchedule.Field?, _ reason: String) {
            do {
                _ = try CronSchedule(parsing: expression)
                Issue.record("'\(expression)' parsed")
            } catch let error as SchedulingError {
                guard case .badCron(let badExpression, let badField, _) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(badExpression == expression)
                #expect(badField == field)
                let message = error.localizedDescription
                #expect(message.hasPrefix("bad cron expression '\(expression)': "), "\(message)")
                #expect(message.contains(reason), "\(message)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }

        @Test(arguments: [
            "* * * * *", "0 16 * * FRI", "*/15 * * * *", "10-50/10 * * * *", "0 9-17 * * MON-FRI",
            "0 0 1,15 * *", "0 0 * jan,Jul sun", "0 0 29 2 *", "0 0 30,31 FEB SUN", "5/15 * * * *",
            "  0   16 * *  fri ", "0\t16\t*\t*\tFRI", "@daily", "@HOURLY", "@weekly", "@monthly", "@yearly", "@annually",
            "@midnight", "0 0 * * 0-7", "0 0 * * 7", "59 23 31 12 *",
        ])
        func accepts(_ expression: String) throws {
            let schedule = try CronSchedule(parsing: expression)
            #expect(schedule.description == expression)
        }

        private static func components(_ minute: Int, _ hour: Int, _ day: Int, _ month: Int, weekday: Int) -> DateComponents {
            DateComponents(month: month, day: day, hour: hour, minute: minute, weekday: weekday)
        }

        // (expression, minute, hour, day, month, weekday with 1 = Sunday, expected)
        @Test(arguments: [
            ("0 16 * * FRI", 0, 16, 20, 11, 6, true),
            ("0 16 * * FRI", 0, 16, 21, 11, 7, false),
            ("0 16 * * FRI", 1, 16, 20, 11, 6, false),
            ("*/15 * * * *", 45, 3, 1, 1, 5, true),
            ("*/15 * * * *", 50, 3, 1, 1, 5, false),
            ("10-50/10 * * * *", 30, 0, 1, 1, 1, true),
            ("10-50/10 * * * *", 0, 0, 1, 1, 1, false),
            ("10-50/10 * * * *", 55, 0, 1, 1, 1, false),
            ("5/20 * * * *", 45, 0, 1, 1, 1, true),
            ("5/20 * * * *", 40, 0, 1, 1, 1, false),
            ("0 0 * * 7", 0, 0, 22, 11, 1, true),
            ("0 0 * * 0", 0, 0, 22, 11, 1, true),
            ("0 0 * * sun", 0, 0, 22, 11, 1, true),
            ("0 0 * * 5-7", 0, 0, 22, 11, 1, true),
            ("0 0 * * 5-7", 0, 0, 23, 11, 2, false),
            ("0 0 * * */2", 0, 0, 24, 11, 3, true),  // Tuesday = 2
            ("0 0 * * */2", 0, 0, 25, 11, 4, false),
            ("0 0 * * 1/2", 0, 0, 22, 11, 1, false),  // 1,3,5 — no Sunday through 7
            ("0 0 * dec *", 0, 0, 1, 12, 3, true),
            ("0 0 * JAN-MAR *", 0, 0, 1, 4, 4, false),
            // Both day fields restricted: either matches.
            ("0 0 13 * FRI", 0, 0, 6, 11, 6, true),
            ("0 0 13 * FRI", 0, 0, 13, 10, 3, true),
            ("0 0 13 * FRI", 0, 0, 14, 11, 7, false),
            // Day-of-month starts with `*`: both must match.
            ("0 0 */2 * MON", 0, 0, 9, 11, 2, true),
            ("0 0 */2 * MON", 0, 0, 2, 11, 2, false),
            ("0 0 */2 * MON", 0, 0, 3, 11, 3, false),
            // Day-of-week starts with `*`: both must match.
            ("0 0 13 * *", 0, 0, 13, 11, 6, true),
            ("0 0 13 * *", 0, 0, 12, 11, 5, false),
        ] as [(String, Int, Int, Int, Int, Int, Bool)])
        func matches(_ expression: String, _ minute: Int, _ hour: Int, _ day: Int, _ month: Int, _ weekday: Int, _ expected: Bool) throws {
            let schedule = try CronSchedule(parsing: expression)
            #expect(schedule.matches(Self.components(minute, hour, day, month, weekday: weekday)) == expected)
        }

        @Test func missingComponentsDoNotMatch() throws {
            let schedule = try CronSchedule(parsing: "* * * * *")
            #expect(!schedule.matches(DateComponents(month: 1, day: 1, hour: 0, minute: 0)))
            #expect(schedule.matches(DateComponents(month: 1, day: 1, hour: 0, minute: 0, weekday: 5)))
        }
    }
}

extension SchedulingTests {
    @Suite struct CronSearchTests {
        // (expression, zone, after, expected next firing)
        @Test(arguments: [
            ("*/15 * * * *", "UTC", "2026-01-01T10:07:00Z", "2026-01-01T10:15:00Z"),
            ("*/15 * * * *", "UTC", "2026-01-01T10:15:00Z", "2026-01-01T10:30:00Z"),
            ("*/15 * * * *", "UTC", "2026-01-01T10:14:59.9Z", "2026-01-01T10:15:00Z"),
            ("*/15 * * * *", "UTC", "2026-01-01T23:50:00Z", "2026-01-02T00:00:00Z"),
            ("10-50/10 * * * *", "UTC", "2026-01-01T10:50:00Z", "2026-01-01T11:10:00Z"),
            ("0 9 * * MON-FRI", "UTC", "2026-11-20T10:00:00Z", "2026-11-23T09:00:00Z"),
            ("0 16 * * FRI", "Europe/Berlin", "2026-11-18T12:00:00Z", "2026-11-20T15:00:00Z"),
            ("0 16 * * FRI", "Europe/Berlin", "2026-07-01T00:00:00Z", "2026-07-03T14:00:00Z"),
            ("0 0 1 JAN *", "UTC", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00Z"),
            ("59 23 31 DEC *", "UTC", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"),
            ("0 0 1 * *", "UTC", "2026-12-15T00:00:00Z", "2027-01-01T00:00:00Z"),
            ("0 0 29 2 *", "UTC", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
            ("0 0 29 2 *", "UTC", "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"),
            ("0 0 29 2 *", "Asia/Tokyo", "2026-03-01T00:00:00Z", "2028-02-28T15:00:00Z"),
            ("0 0 13 * FRI", "UTC", "2026-11-01T00:00:00Z", "2026-11-06T00:00:00Z"),
            ("0 0 13 * FRI", "UTC", "2026-11-06T00:00:00Z", "2026-11-13T00:00:00Z"),
            ("0 0 13 * FRI", "UTC", "2026-11-13T00:00:00Z", "2026-11-20T00:00:00Z"),
            ("0 0 13 * FRI", "UTC", "2026-11-27T00:00:00Z", "2026-12-04T00:00:00Z"),
            ("0 0 */2 * MON", "UTC", "2026-11-01T00:00:00Z", "2026-11-09T00:00:00Z"),
            ("0 12 * * 7", "UTC", "2026-11-18T00:00:00Z", "2026-11-22T12:00:00Z"),
            ("0 12 * * 0", "UTC", "2026-11-18T00:00:00Z", "2026-11-22T12:00:00Z"),
            ("0 12 * jul sat", "UTC", "2026-01-01T00:00:00Z", "2026-07-04T12:00:00Z"),
            ("@weekly", "UTC", "2026-11-18T00:00:00Z", "2026-11-22T00:00:00Z"),
            ("0 0 30,31 FEB SUN", "UTC", "2026-11-18T00:00:00Z", "2027-02-07T00:00:00Z"),
            ("30 4 * * *", "America/New_York", "2026-11-22T10:00:00Z", "2026-11-23T09:30:00Z"),
            // Daylight saving: a wall time in the spring-forward gap does not fire that day.
            ("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-30T00:30:00Z"),
            ("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", "2026-03-09T06:30:00Z"),
            ("0 * * * *", "America/New_York", "2026-03-08T06:30:00Z", "2026-03-08T07:00:00Z"),
            ("*/30 * * * *", "Europe/Berlin", "2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z"),
            // ...and a wall time that occurs twice fires at the first occurrence only.
            ("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", "2026-10-25T00:30:00Z"),
            ("30 2 * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
            ("30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", "2026-11-01T05:30:00Z"),
            ("30 1 * * *", "America/New_York", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"),
            ("0 * * * *", "America/New_York", "2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z"),
        ])
        func nextFire(_ expression: String, _ zoneName: String, _ after: String, _ expected: String) throws {
            let schedule = try CronSchedule(parsing: expression)
            let next = try #require(schedule.nextFire(after: instant(after), in: zone(zoneName)))
            #expect(Timestamp.format(next) == expected)
            #expect(schedule.fires(at: next, in: zone(zoneName)))
        }

        // (expression, zone, at or before, expected latest firing)
        @Test(arguments: [
            ("0 16 * * FRI", "Europe/Berlin", "2026-11-22T10:00:00Z", "2026-11-20T15:00:00Z"),
            ("0 16 * * FRI", "Europe/Berlin", "2026-11-20T15:00:00Z", "2026-11-20T15:00:00Z"),
            ("0 16 * * FRI", "Europe/Berlin", "2026-11-20T14:59:59Z", "2026-11-13T15:00:00Z"),
            ("0 0 1 1 *", "UTC", "2026-06-01T00:00:00Z", "2026-01-01T00:00:00Z"),
            ("0 0 1 1 *", "UTC", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
            ("0 0 29 2 *", "UTC", "2027-01-01T00:00:00Z", "2024-02-29T00:00:00Z"),
            ("0 0 29 2 *", "UTC", "2104-01-01T00:00:00Z", "2096-02-29T00:00:00Z"),
            ("59 23 31 DEC *", "UTC", "2027-01-01T00:00:00Z", "2026-12-31T23:59:00Z"),
            ("*/15 * * * *", "UTC", "2026-01-01T00:07:00Z", "2026-01-01T00:00:00Z"),
            ("*/15 * * * *", "UTC", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
            ("*/15 * * * *", "UTC", "2025-12-31T23:59:59Z", "2025-12-31T23:45:00Z"),
            ("0 0 13 * FRI", "UTC", "2026-11-12T00:00:00Z", "2026-11-06T00:00:00Z"),
            ("30 2 * * *", "Europe/Berlin", "2026-03-29T23:00:00Z", "2026-03-28T01:30:00Z"),
            ("30 2 * * *", "Europe/Berlin", "2026-10-25T12:00:00Z", "2026-10-25T00:30:00Z"),
            ("30 1 * * *", "America/New_York", "2026-11-01T06:45:00Z", "2026-11-01T05:30:00Z"),
            ("0 * * * *", "America/New_York", "2026-11-01T06:30:00Z", "2026-11-01T05:00:00Z"),
        ])
        func previousFire(_ expression: String, _ zoneName: String, _ at: String, _ expected: String) throws {
            let schedule = try CronSchedule(parsing: expression)
            let previous = try #require(schedule.previousFire(atOrBefore: instant(at), in: zone(zoneName)))
            #expect(Timestamp.format(previous) == expected)
        }

        @Test func searchesStopAtTheirLimits() throws {
            let schedule = try CronSchedule(parsing: "0 16 * * FRI")
            let berlin = zone("Europe/Berlin")
            let wednesday = instant("2026-11-18T12:00:00Z")
            #expect(schedule.nextFire(after: wednesday, in: berlin, notAfter: instant("2026-11-20T14:59:00Z")) == nil)
            #expect(schedule.nextFire(after: wednesday, in: berlin, notAfter: instant("2026-11-20T15:00:00Z"))
                == instant("2026-11-20T15:00:00Z"))
            #expect(schedule.previousFire(atOrBefore: wednesday, in: berlin, notBefore: instant("2026-11-13T15:00:01Z")) == nil)
            #expect(schedule.previousFire(atOrBefore: wednesday, in: berlin, notBefore: instant("2026-11-13T15:00:00Z"))
                == instant("2026-11-13T15:00:00Z"))
        }

        @Test func wallTimesThatNeverExistNeverFire() throws {
            // 02:30 on 29 March happens only in years when that day is not the spring-forward Sunday.
            let schedule = try CronSchedule(parsing: "30 2 29 3 *")
            let next = try #require(schedule.nextFire(after: instant("2026-01-01T00:00:00Z"), in: zone("Europe/Berlin")))
            #expect(Timestamp.format(next) == "2027-03-29T00:30:00Z")
        }

        /// Firings found by the search agree with a minute-by-minute scan through Foundation's
        /// calendar, where a second occurrence of a wall time is recognised by the same reading an
        /// hour earlier.
        @Test(arguments: [
            ("30 2 * * *", "Europe/Berlin", "2026-03-27T00:00:00Z"),
            ("30 2 * * *", "Europe/Berlin", "2026-10-23T00:00:00Z"),
            ("*/20 1-3 * * *", "Europe/Berlin", "2026-10-23T00:00:00Z"),
            ("*/20 1-3 * * *", "Europe/Berlin", "2026-03-27T00:00:00Z"),
            ("0,30 * * * *", "America/New_York", "2026-03-06T00:00:00Z"),
            ("0,30 * * * *", "America/New_York", "2026-10-30T00:00:00Z"),
            ("15 1 * * SUN", "America/New_York", "2026-10-30T00:00:00Z"),
            ("0 16 * * FRI", "Europe/Berlin", "2026-10-20T00:00:00Z"),
            ("45 23 * * *", "Australia/Lord_Howe", "2026-04-03T00:00:00Z"),
            ("*/10 1-2 * * *", "Australia/Lord_Howe", "2026-04-03T00:00:00Z"),
            ("*/10 1-2 * * *", "Australia/Lord_Howe", "2026-10-02T00:00:00Z"),
        ])
        func agreesWithAMinuteByMinuteScan(_ expression: String, _ zoneName: String, _ from: String) throws {
            let schedule = try CronSchedule(parsing: expression)
            let timeZone = zone(zoneName)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let units: Set<Calendar.Component> = [.year, .month, .day, .hour, .minute, .weekday]
            let start = instant(from)
            let end = start.addingTimeInterval(5 * 86_400)

            var expected: [Date] = []
            var minute = start.addingTimeInterval(60)
            while minute <= end {
                let reading = calendar.dateComponents(units, from: minute)
                let repeated = (1...4).contains { quarter in
                    calendar.dateComponents(units, from: minute.addingTimeInterval(-900 * Double(quarter))) == reading
                }
                if schedule.matches(reading) && !repeated { expected.append(minute) }
                minute.addTimeInterval(60)
            }

            var found: [Date] = []
            var cursor = start
            while let next = schedule.nextFire(after: cursor, in: timeZone, notAfter: end) {
                found.append(next)
                cursor = next
            }
            #expect(found.map(Timestamp.format) == expected.map(Timestamp.format))

            var backwards: [Date] = []
            cursor = end
            while let previous = schedule.previousFire(atOrBefore: cursor, in: timeZone, notBefore: start.addingTimeInterval(60)) {
                backwards.append(previous)
                cursor = previous.addingTimeInterval(-1)
            }
            #expect(backwards.reversed().map(Timestamp.format) == expected.map(Timestamp.format))
        }
    }
}
