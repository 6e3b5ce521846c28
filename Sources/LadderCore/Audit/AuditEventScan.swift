import Crypto
import Foundation

/// A stored event read in place from its bytes, without building a JSON tree: the fast path of
/// export's chain verification.
///
/// The scan accepts a message only when it is, byte for byte, the canonical JSON that
/// ``AuditEvent/parse(commitMessage:)`` accepts: every key of the schema in canonical order,
/// strings with the canonical writer's escapes only, valid UTF-8, canonical `seq`, `id` and
/// `time`, known enumeration values. Anything else (including the unusual but valid, such as a
/// string with a `\u` escape other than a control character's) is left to the full parser, so
/// a scan never accepts what the parser would refuse. Because an accepted message is canonical,
/// the event's hash is the SHA-256 of the message with its `"hash":"…",` member cut out, and
/// each string value's bytes are already its canonical encoding, ready to be copied.
///
/// Ranges are offsets into the scanned bytes; string ranges include the quotes.
struct AuditEventScan {
    var action: AuditAction
    var actionText: Range<Int>
    var outcome: AuditOutcome
    var outcomeText: Range<Int>
    var actorLogin: Range<Int>
    /// Each approval's login and whether it was counted; nil when `approvals` is null.
    var approvals: [(login: Range<Int>, counted: Bool)]?
    /// The `"hash":"…",` member, cut out for hashing.
    var hashMember: Range<Int>
    var hash: Range<Int>
    var id: Range<Int>
    var mergedHashes: [Range<Int>]?
    var prevHash: Range<Int>
    var seq: Int64
    var seqText: Range<Int>
    var time: Range<Int>
    var transition: Transition?
    /// The canonical JSON, without the final newline.
    var json: Range<Int>

    struct Transition {
        var changedPaths: Range<Int>
        var commit: Range<Int>?
        var promotionID: Range<Int>?
        var to: Range<Int>
    }

}

extension AuditEventScan {
    /// Scans `bytes` (a commit message: canonical JSON and an optional final newline); nil when
    /// the fast path does not apply and the full parser must decide.
    init?(_ bytes: UnsafeRawBufferPointer) {
        var scanner = CanonicalScanner(bytes: bytes)
        guard let scan = try? scanner.event() else { return nil }
        self = scan
    }

    /// True when the SHA-256 of the event without its `hash` member is the recorded hash.
    func hashMatches(in bytes: UnsafeRawBufferPointer) -> Bool {
        var hasher = SHA256()
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[json.lowerBound..<hashMember.lowerBound]))
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[hashMember.upperBound..<json.upperBound]))
        let digest = hasher.finalize()
        let hex = Array("0123456789abcdef".utf8)
        var index = hash.lowerBound + 1
        for byte in digest {
            guard bytes[index] == hex[Int(byte >> 4)], bytes[index + 1] == hex[Int(byte & 0x0F)] else { return false }
            index += 2
        }
        return true
    }

    /// The decoded value of the string at `range` (quotes included).
    static func string(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> String {
        let inner = UnsafeRawBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
        if inner.isEmpty || memchr(inner.baseAddress!, 0x5C, inner.count) == nil { return String(decoding: inner, as: UTF8.self) }
        // Escapes are rare (a control character in a message): let the JSON parser decode them.
        return (try? JSONValue.parse(Array(bytes[range])))?.stringValue ?? String(decoding: inner, as: UTF8.self)
    }
}

/// A strict reader of the canonical JSON of one audit event; throws at the first byte that is
/// not exactly what the canonical writer produces for a valid event.
private struct CanonicalScanner {
    struct Reject: Error {}

    let bytes: UnsafeRawBufferPointer
    var index = 0
    let end: Int

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        end = bytes.last == 0x0A ? bytes.count - 1 : bytes.count
    }

    mutating func expect(_ text: StaticString) throws(Reject) {
        let count = text.utf8CodeUnitCount
        guard index + count <= end else { throw Reject() }
        guard memcmp(bytes.baseAddress! + index, text.utf8Start, count) == 0 else { throw Reject() }
        index += count
    }

    mutating func take(_ text: StaticString) -> Bool {
        let saved = index
        do {
            try expect(text)
            return true
        } catch {
            index = saved
            return false
        }
    }

    /// A string in canonical form (the writer's escapes only, valid UTF-8); its range with quotes.
    mutating func string() throws(Reject) -> Range<Int> {
        let start = index
        guard index < end, bytes[index] == UInt8(ascii: "\"") else { throw Reject() }
        index += 1
        while index < end {
            // Plain ASCII runs first: most strings have no escapes and no other bytes.
            var byte = bytes[index]
            while byte >= 0x20 && byte < 0x80 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                index += 1
                guard index < end else { throw Reject() }
                byte = bytes[index]
            }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return start..<index
            case UInt8(ascii: "\\"):
                guard index + 1 < end else { throw Reject() }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"),
                    UInt8(ascii: "b"), UInt8(ascii: "f"):
                    index += 2
                case UInt8(ascii: "u"):
                    // Only control characters without a short escape are written as \u00xx.
                    guard index + 6 <= end, bytes[index + 2] == UInt8(ascii: "0"), bytes[index + 3] == UInt8(ascii: "0"),
                        let high = Self.lowerHex(bytes[index + 4]), let low = Self.lowerHex(bytes[index + 5])
                    else { throw Reject() }
                    let value = high << 4 | low
                    guard value < 0x20, ![0x08, 0x09, 0x0A, 0x0C, 0x0D].contains(value) else { throw Reject() }
                    index += 6
                default: throw Reject()
                }
            case 0x00..<0x20: throw Reject()
            case 0x20..<0x80: index += 1
            default: try utf8Sequence()
            }
        }
        throw Reject()
    }

    static func lowerHex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// One well-formed multi-byte UTF-8 sequence (no overlong forms, surrogates or values
    /// above U+10FFFF), as `String(validating:)` accepts.
    mutating func utf8Sequence() throws(Reject) {
        let lead = bytes[index]
        let count: Int
        var lowest: UInt8 = 0x80
        var highest: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: count = 2
        case 0xE0: count = 3; lowest = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: count = 3
        case 0xED: count = 3; highest = 0x9F
        case 0xF0: count = 4; lowest = 0x90
        case 0xF1...0xF3: count = 4
        case 0xF4: count = 4; highest = 0x8F
        default: throw Reject()
        }
        guard index + count <= end else { throw Reject() }
        guard (lowest...highest).contains(bytes[index + 1]) else { throw Reject() }
        for offset in 2..<max(2, count) where !(0x80...0xBF).contains(bytes[index + offset]) { throw Reject() }
        index += count
    }

    mutating func optionalString() throws(Reject) -> Range<Int>? {
        if take("null") { return nil }
        return try string()
    }

    /// A string whose content is one of `E`'s raw values (none of which needs escapes).
    mutating func enumeration<E: RawRepresentable>(_ type: E.Type) throws(Reject) -> (E, Range<Int>) where E.RawValue == String {
        let range = try string()
        let inner = bytes[(range.lowerBound + 1)..<(range.upperBound - 1)]
        guard !inner.contains(UInt8(ascii: "\\")), let value = E(rawValue: String(decoding: inner, as: UTF8.self)) else {
            throw Reject()
        }
        return (value, range)
    }

    /// `[]` or `[element,element...]`.
    mutating func array(_ element: (inout CanonicalScanner) throws(Reject) -> Void) throws(Reject) {
        try expect("[")
        if take("]") { return }
        while true {
            try element(&self)
            if take("]") { return }
            try expect(",")
        }
    }

    mutating func stringArray() throws(Reject) -> [Range<Int>] {
        var result: [Range<Int>] = []
        try array { (scanner: inout CanonicalScanner) throws(Reject) in result.append(try scanner.string()) }
        return result
    }

    /// A 64-digit lowercase hex string.
    mutating func hexHash() throws(Reject) -> Range<Int> {
        let range = try string()
        guard range.count == 66, bytes[(range.lowerBound + 1)..<(range.upperBound - 1)].allSatisfy({ Self.lowerHex($0) != nil })
        else { throw Reject() }
        return range
    }

    mutating func event() throws(Reject) -> AuditEventScan {
        let start = index
        try expect("{\"action\":")
        let (action, actionText) = try enumeration(AuditAction.self)
        try expect(",\"actor\":{\"kind\":")
        _ = try enumeration(AuditActor.Kind.self)
        try expect(",\"login\":")
        let actorLogin = try string()
        try expect("},\"approvals\":")
        var approvals: [(login: Range<Int>, counted: Bool)]?
        if !take("null") {
            var list: [(login: Range<Int>, counted: Bool)] = []
            try array { (scanner: inout CanonicalScanner) throws(Reject) in
                try scanner.expect("{\"commit\":")
                _ = try scanner.optionalString()
                try scanner.expect(",\"counted\":")
                let counted: Bool
                if scanner.take("true") { counted = true } else { try scanner.expect("false"); counted = false }
                try scanner.expect(",\"login\":")
                let login = try scanner.string()
                try scanner.expect(",\"reason\":")
                _ = try scanner.optionalString()
                try scanner.expect(",\"state\":")
                _ = try scanner.string()
                try scanner.expect("}")
                list.append((login, counted))
            }
            approvals = list
        }
        let hashStart = index + 1
        try expect(",\"hash\":")
        let hash = try hexHash()
        try expect(",")
        let hashMember = hashStart..<index
        try expect("\"id\":")
        let id = try string()
        guard id.count == 28, bytes[id.lowerBound + 1] <= UInt8(ascii: "7"),
            bytes[(id.lowerBound + 1)..<(id.upperBound - 1)].allSatisfy(AuditEventID.alphabet.contains)
        else { throw Reject() }
        try expect(",\"merged_hashes\":")
        var mergedHashes: [Range<Int>]?
        if !take("null") {
            var list: [Range<Int>] = []
            try array { (scanner: inout CanonicalScanner) throws(Reject) in list.append(try scanner.hexHash()) }
            mergedHashes = list
        }
        // merged_hashes: a non-empty list on audit.merged events, null on every other.
        guard (mergedHashes == nil) == (action != .merged), mergedHashes?.isEmpty != true else { throw Reject() }
        try expect(",\"outcome\":")
        let (outcome, outcomeText) = try enumeration(AuditOutcome.self)
        try expect(",\"override\":")
        if !take("null") {
            try expect("{\"by\":")
            _ = try string()
            try expect(",\"reason\":")
            _ = try string()
            try expect("}")
        }
        try expect(",\"policy\":")
        if !take("null") {
            try expect("{\"path\":")
            _ = try string()
            try expect(",\"rules\":")
            try array { (scanner: inout CanonicalScanner) throws(Reject) in
                try scanner.expect("{\"id\":")
                _ = try scanner.string()
                try scanner.expect(",\"message\":")
                _ = try scanner.optionalString()
                try scanner.expect(",\"result\":")
                _ = try scanner.string()
                try scanner.expect("}")
            }
            try expect(",\"sha256\":")
            _ = try string()
            try expect("}")
        }
        try expect(",\"prev_hash\":")
        let prevHash = try hexHash()
        try expect(",\"schema\":\"ladder.audit/v1\",\"seq\":")
        let (seq, seqText) = try sequenceNumber()
        try expect(",\"source\":{\"ci_provider\":")
        _ = try optionalString()
        try expect(",\"ci_run_url\":")
        _ = try optionalString()
        try expect(",\"host\":")
        _ = try optionalString()
        try expect(",\"tool_version\":")
        _ = try string()
        try expect("},\"time\":")
        let time = try string()
        guard Self.isCanonicalTime(bytes[(time.lowerBound + 1)..<(time.upperBound - 1)]) else { throw Reject() }
        try expect(",\"transition\":")
        var transition: AuditEventScan.Transition?
        if !take("null") {
            try expect("{\"base_commit\":")
            _ = try optionalString()
            try expect(",\"branch\":")
            _ = try optionalString()
            try expect(",\"changed_paths\":")
            let pathsStart = index
            _ = try stringArray()
            let changedPaths = pathsStart..<index
            try expect(",\"commit\":")
            let commit = try optionalString()
            try expect(",\"from\":")
            _ = try optionalString()
            try expect(",\"promotion_id\":")
            let promotionID = try optionalString()
            try expect(",\"source_commit\":")
            _ = try optionalString()
            try expect(",\"to\":")
            let to = try string()
            try expect("}")
            transition = AuditEventScan.Transition(changedPaths: changedPaths, commit: commit, promotionID: promotionID, to: to)
        }
        try expect("}")
        guard index == end else { throw Reject() }
        return AuditEventScan(
            action: action, actionText: actionText, outcome: outcome, outcomeText: outcomeText, actorLogin: actorLogin, approvals: approvals, hashMember: hashMember,
            hash: hash, id: id, mergedHashes: mergedHashes, prevHash: prevHash, seq: seq, seqText: seqText, time: time,
            transition: transition, json: start..<end)
    }

    /// A canonical integer of 1 or more that fits in 64 bits.
    mutating func sequenceNumber() throws(Reject) -> (Int64, Range<Int>) {
        let start = index
        guard index < end, (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(bytes[index]) else { throw Reject() }
        var value: Int64 = 0
        while index < end, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(bytes[index] - UInt8(ascii: "0")))
            guard !overflow, !overflow2 else { throw Reject() }
            value = sum
            index += 1
        }
        // A fraction or exponent makes it a non-integer number, which `seq` refuses.
        guard index < end, bytes[index] != UInt8(ascii: "."), bytes[index] != UInt8(ascii: "e"),
            bytes[index] != UInt8(ascii: "E")
        else { throw Reject() }
        return (value, start..<index)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` naming a real second: exactly what `AuditTime.isCanonical`
    /// accepts (`format(parse(text)) == text`), for the years 1970 to 9999.
    static func isCanonicalTime(_ text: Slice<UnsafeRawBufferPointer>) -> Bool {
        guard text.count == 20 else { return false }
        let base = text.startIndex
        func byte(_ offset: Int) -> UInt8 { text[base + offset] }
        func number(_ offset: Int, _ count: Int) -> Int? {
            var value = 0
            for position in offset..<offset + count {
                let digit = byte(position)
                guard (0x30...0x39).contains(digit) else { return nil }
                value = value * 10 + Int(digit - 0x30)
            }
            return value
        }
        guard byte(4) == UInt8(ascii: "-"), byte(7) == UInt8(ascii: "-"), byte(10) == UInt8(ascii: "T"),
            byte(13) == UInt8(ascii: ":"), byte(16) == UInt8(ascii: ":"), byte(19) == UInt8(ascii: "Z"),
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2)
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return year >= 1970 && (1...12).contains(month) && day >= 1 && day <= days[month - 1] && hour < 24
            && minute < 60 && second < 60
    }
}
