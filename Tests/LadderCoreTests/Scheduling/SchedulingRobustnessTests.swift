import Foundation
import Testing
@testable import LadderCore

/// A small deterministic generator, so that a failure can be replayed.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private func randomText(_ alphabet: [Character], maxLength: Int, using generator: inout SplitMix) -> String {
    let length = Int.random(in: 0...maxLength, using: &generator)
    return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
}

extension SchedulingTests {
    @Suite struct RobustnessTests {
        @Test func cronParsingOnlyEverThrowsBadCron() {
            var generator = SplitMix(state: 1)
            let alphabet = Array("0123456789*/,- -@abcdefFRIMONSUNjanDECx?\t") + ["٣", "é"]
            for _ in 0..<5_000 {
                let text = randomText(alphabet, maxLength: 24, using: &generator)
                do {
                    let schedule = try CronSchedule(parsing: text)
                    let start = Date(timeIntervalSince1970: 1_795_341_600)
                    if let next = schedule.nextFire(after: start, in: zone("Europe/Berlin")) {
                        #expect(next > start)
                    }
                } catch let error as SchedulingError {
                    guard case .badCron(let expression, _, _) = error else {
                        Issue.record("\(text): \(error)")
                        continue
                    }
                    #expect(expression == text)
                } catch {
                    Issue.record("\(text): \(error)")
                }
            }
            // Five random fields rarely parse; structured ones below do.
            var fieldsAccepted = 0
            let pieces = ["*", "*/5", "1-5", "0", "7", "MON", "1,2", "10-50/10", "2/3", "JAN", "30", "31", "60", "5-1", "*/0"]
            for _ in 0..<2_000 {
                let text = (0..<5).map { _ in pieces.randomElement(using: &generator)! }.joined(separator: " ")
                if let schedule = try? CronSchedule(parsing: text) {
                    fieldsAccepted += 1
                    let start = Date(timeIntervalSince1970: 1_795_341_600)
                    if let next = schedule.nextFire(after: start, in: zone("America/New_York")) {
                        #expect(next > start)
                        #expect(schedule.previousFire(atOrBefore: next, in: zone("America/New_York")) == next)
                    }
                }
            }
            #expect(fieldsAccepted > 50)
        }

        @Test func durationAndTimestampParsingOnlyEverThrowTheirErrors() {
            var generator = SplitMix(state: 2)
            let durationAlphabet = Array("0123456789wdhmsWx.- ")
            for _ in 0..<5_000 {
                let text = randomText(durationAlphabet, maxLength: 12, using: &generator)
                do {
                    let duration = try PolicyDuration(parsing: text)
                    #expect(try PolicyDuration(parsing: duration.description) == duration)
                } catch let error as SchedulingError {
                    guard case .badDuration(text, _) = error else {
                        Issue.record("\(text): \(error)")
                        continue
                    }
                } catch {
                    Issue.record("\(text): \(error)")
                }
            }
            let timestampAlphabet = Array("0123456789-:T.Z+z ")
            let valid = "2026-11-22T10:00:00.5+01:00"
            for index in 0..<5_000 {
                // Half purely random, half a valid timestamp with one character changed.
                var text = randomText(timestampAlphabet, maxLength: 28, using: &generator)
                if index % 2 == 0 {
                    var characters = Array(valid)
                    characters[Int.random(in: 0..<characters.count, using: &generator)] =
                        timestampAlphabet.randomElement(using: &generator)!
                    text = String(characters)
                }
                do {
                    let date = try Timestamp.parse(text)
                    #expect(try Timestamp.parse(Timestamp.format(date)) == date.addingTimeInterval(
                        -(date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down))))
                } catch let error as SchedulingError {
                    guard case .badTimestamp(text, _) = error else {
                        Issue.record("\(text): \(error)")
                        continue
                    }
                } catch {
                    Issue.record("\(text): \(error)")
                }
            }
        }
    }
}
