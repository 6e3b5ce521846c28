import Foundation

/// Why a forge JSON file (`--reviews`, `--checks`) was refused.
///
/// Every reason names the file and, where there is one, the entry (`review 3` is the array index,
/// counted from 0 as in `jq '.[3]'`) or the line and column of a syntax error. Unknown extra fields
/// are never an error: the forges add fields freely.
public enum ForgeInputError: Error, LocalizedError, Equatable, Sendable {
    /// The file is larger than the parser accepts.
    case tooLarge(file: String, bytes: Int, limit: Int)
    /// The file is not well-formed JSON.
    case malformed(file: String, JSONParseError)
    /// The document is valid JSON but none of the accepted shapes; `expected` and `found` are plain words.
    case unrecognised(file: String, expected: String, found: String)
    /// An array holds more entries than the parser accepts.
    case tooManyEntries(file: String, noun: String, count: Int, limit: Int)
    /// A required field is absent (or null where null is not allowed).
    case missingField(file: String, entry: String, field: String)
    /// A field has the wrong JSON type.
    case wrongType(file: String, entry: String, field: String, expected: String, found: String)
    /// An enumerated field (a review state, a check status) has a value outside the known set.
    case unknownValue(file: String, entry: String, field: String, value: String, known: [String])
    /// A field has the right type but an unusable value (an empty login, a time that is not RFC 3339).
    case invalidValue(file: String, entry: String, field: String, value: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .tooLarge(let file, let bytes, let limit):
            return "\(file): file too large (\(bytes) bytes, the limit is \(limit))"
        case .malformed(let file, let error):
            return "\(file):\(error.line):\(error.column): malformed JSON: \(error.reason)"
        case .unrecognised(let file, let expected, let found):
            return "\(file): expected \(expected), found \(found)"
        case .tooManyEntries(let file, let noun, let count, let limit):
            return "\(file): \(count) \(noun), more than the limit of \(limit)"
        case .missingField(let file, let entry, let field):
            return "\(file): \(entry): missing \"\(field)\""
        case .wrongType(let file, let entry, let field, let expected, let found):
            return "\(file): \(entry): \"\(field)\" is \(found), expected \(expected)"
        case .unknownValue(let file, let entry, let field, let value, let known):
            return "\(file): \(entry): unknown \(field) \(quoted(value)) (expected \(listed(known, conjunction: "or")))"
        case .invalidValue(let file, let entry, let field, let value, let reason):
            return "\(file): \(entry): invalid \"\(field)\" \(quoted(value)): \(reason)"
        }
    }
}

/// A JSON-quoted, length-limited rendering of an untrusted value for messages: control characters
/// are escaped so that a hostile value cannot forge extra output lines.
func quoted(_ value: String, limit: Int = 80) -> String {
    if value.count <= limit { return JSONValue.string(value).canonical }
    return JSONValue.string(String(value.prefix(limit)) + "…").canonical
}

/// `a`, `a or b`, `a, b or c`.
func listed(_ items: [String], conjunction: String = "and") -> String {
    switch items.count {
    case 0: return ""
    case 1: return items[0]
    default: return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items[items.count - 1]
    }
}

/// Limits that keep hostile forge input from exhausting memory.
public enum ForgeInputLimits {
    /// Largest `--reviews` or `--checks` file accepted, in bytes.
    public static let maximumBytes = 64 << 20
    /// Largest number of entries accepted in one array (reviews, approvals, check runs, statuses).
    public static let maximumEntries = 100_000
}

/// Reads the fields of one entry of a forge document, turning every problem into a
/// `ForgeInputError` that names the file, the entry and the field.
struct ForgeEntry {
    let file: String
    let entry: String
    let members: [String: JSONValue]

    init(file: String, entry: String, value: JSONValue) throws(ForgeInputError) {
        guard case .object(let members) = value else {
            throw .unrecognised(file: file, expected: "\(entry) to be an object", found: value.kindName)
        }
        self.file = file
        self.entry = entry
        self.members = members
    }

    /// The value at a dotted path (`user.login`), nil when absent or null. An intermediate value
    /// that is present but not an object is a type error.
    func value(_ path: String) throws(ForgeInputError) -> JSONValue? {
        var current: [String: JSONValue] = members
        let keys = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for (position, key) in keys.enumerated() {
            guard let next = current[key], next != .null else { return nil }
            if position == keys.count - 1 { return next }
            guard case .object(let object) = next else {
                let prefix = keys[...position].joined(separator: ".")
                throw .wrongType(file: file, entry: entry, field: prefix, expected: "an object", found: next.kindName)
            }
            current = object
        }
        return nil
    }

    func optionalString(_ path: String) throws(ForgeInputError) -> String? {
        guard let value = try value(path) else { return nil }
        guard case .string(let text) = value else {
            throw .wrongType(file: file, entry: entry, field: path, expected: "a string", found: value.kindName)
        }
        return text
    }

    func requiredString(_ path: String) throws(ForgeInputError) -> String {
        guard let text = try optionalString(path) else {
            throw .missingField(file: file, entry: entry, field: path)
        }
        return text
    }

    /// A login or user name: non-empty, at most 255 characters, no white space or control characters.
    func requiredLogin(_ path: String) throws(ForgeInputError) -> String {
        let login = try requiredString(path)
        if login.isEmpty || login.count > 255
            || login.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F })
        {
            throw .invalidValue(
                file: file, entry: entry, field: path, value: login,
                reason: "a login must be 1 to 255 characters without spaces or control characters")
        }
        return login
    }

    /// A display name (a check name): non-empty, at most 1,000 characters, no control characters.
    func requiredName(_ path: String) throws(ForgeInputError) -> String {
        let name = try requiredString(path)
        if name.isEmpty || name.count > 1000 || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw .invalidValue(
                file: file, entry: entry, field: path, value: name,
                reason: "a name must be 1 to 1000 characters without control characters")
        }
        return name
    }

    /// A commit id: 4 to 64 hexadecimal digits, returned in lower case.
    func optionalCommit(_ path: String) throws(ForgeInputError) -> String? {
        guard let text = try optionalString(path) else { return nil }
        guard isCommitID(text) else {
            throw .invalidValue(
                file: file, entry: entry, field: path, value: text, reason: "not a hexadecimal commit id")
        }
        return text.lowercased()
    }

    /// An RFC 3339 time, nil when absent or null.
    func optionalDate(_ path: String) throws(ForgeInputError) -> Date? {
        guard let text = try optionalString(path) else { return nil }
        guard let date = RFC3339.parse(text) else {
            throw .invalidValue(file: file, entry: entry, field: path, value: text, reason: "not an RFC 3339 time")
        }
        return date
    }

    /// The first present time among several fields (forges name them differently per state).
    func firstDate(_ paths: String...) throws(ForgeInputError) -> Date? {
        for path in paths {
            if let date = try optionalDate(path) { return date }
        }
        return nil
    }

    /// A string field from a closed set, matched case-insensitively.
    func requiredEnum<Value>(_ path: String, noun: String, _ table: KeyValuePairs<String, Value>) throws(ForgeInputError) -> Value {
        let text = try requiredString(path)
        let key = text.lowercased()
        for (name, value) in table where name == key { return value }
        throw .unknownValue(file: file, entry: entry, field: noun, value: text, known: table.map(\.key))
    }
}

/// The elements of a forge array, refusing more than `ForgeInputLimits.maximumEntries`.
func boundedArray(_ value: JSONValue, file: String, noun: String) throws(ForgeInputError) -> [JSONValue] {
    guard case .array(let elements) = value else {
        throw .unrecognised(file: file, expected: "an array of \(noun)", found: value.kindName)
    }
    if elements.count > ForgeInputLimits.maximumEntries {
        throw .tooManyEntries(file: file, noun: noun, count: elements.count, limit: ForgeInputLimits.maximumEntries)
    }
    return elements
}

/// Parses a forge file after checking its size.
func parseForgeJSON(_ bytes: [UInt8], file: String) throws(ForgeInputError) -> JSONValue {
    if bytes.count > ForgeInputLimits.maximumBytes {
        throw .tooLarge(file: file, bytes: bytes.count, limit: ForgeInputLimits.maximumBytes)
    }
    do {
        return try JSONValue.parse(bytes)
    } catch {
        throw .malformed(file: file, error)
    }
}

/// Plain words for the shape of a document that was not recognised: its kind, and for an object
/// its first few keys.
func describeShape(_ value: JSONValue) -> String {
    guard case .object(let members) = value else { return value.kindName }
    if members.isEmpty { return "an empty object" }
    let keys = members.keys.sorted().prefix(5).map { quoted($0, limit: 40) }
    return "an object with " + keys.joined(separator: ", ") + (members.count > 5 ? ", …" : "")
}
