/// Git paths are bytes, Swift strings are Unicode. Ladder represents a path as a `String` and keeps
/// bytes that are not valid UTF-8 by mapping each such byte `b` to the private-use scalar
/// `U+F700 + b`; encoding maps them back, so every path round-trips exactly.
public enum PathCoding {
    static let escapeBase: UInt32 = 0xF700

    /// Decodes raw path bytes, preserving invalid UTF-8 bytes as private-use scalars.
    public static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        if let valid = bytes.withContiguousStorageIfAvailable(UTF8Text.string) ?? String(validating: bytes, as: UTF8.self) { return valid }
        var scalars = String.UnicodeScalarView()
        let array = Array(bytes)
        var index = 0
        while index < array.count {
            let (scalar, length) = decodeOne(array, at: index)
            if let scalar {
                scalars.append(scalar)
                index += length
            } else {
                scalars.append(Unicode.Scalar(escapeBase + UInt32(array[index]))!)
                index += 1
            }
        }
        return String(scalars)
    }

    /// Decodes a C string path.
    public static func decode(cString: UnsafePointer<CChar>) -> String {
        let length = strlenPortable(cString)
        return cString.withMemoryRebound(to: UInt8.self, capacity: length) {
            decode(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// Encodes a path back to the exact bytes it was decoded from.
    public static func encode(_ path: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        for scalar in path.unicodeScalars {
            if scalar.value >= escapeBase + 0x80, scalar.value <= escapeBase + 0xFF {
                bytes.append(UInt8(scalar.value - escapeBase))
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }

    /// A display form: escaped bytes shown as `\xNN`, control characters escaped.
    public static func display(_ path: String) -> String {
        var out = ""
        for scalar in path.unicodeScalars {
            if scalar.value >= escapeBase + 0x80, scalar.value <= escapeBase + 0xFF {
                out += "\\x" + String(scalar.value - escapeBase, radix: 16, uppercase: true)
            } else if scalar == "\n" {
                out += "\\n"
            } else if scalar == "\t" {
                out += "\\t"
            } else if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\x" + String(format2(scalar.value))
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func format2(_ value: UInt32) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return text.count == 1 ? "0" + text : text
    }

    /// Calls `body` with a NUL-terminated C string holding the path's exact bytes.
    static func withCString<R>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        var bytes = encode(path)
        bytes.append(0)
        return try bytes.withUnsafeBufferPointer { buffer in
            try buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { try body($0) }
        }
    }

    private static func strlenPortable(_ pointer: UnsafePointer<CChar>) -> Int {
        var length = 0
        while pointer[length] != 0 { length += 1 }
        return length
    }

    private static func decodeOne(_ bytes: [UInt8], at index: Int) -> (Unicode.Scalar?, Int) {
        let lead = bytes[index]
        let length: Int
        var value: UInt32
        switch lead {
        case 0x00...0x7F: return (Unicode.Scalar(lead), 1)
        case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(lead & 0x07)
        default: return (nil, 1)
        }
        guard index + length <= bytes.count else { return (nil, 1) }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return (nil, 1) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        let minimum: UInt32 = length == 2 ? 0x80 : (length == 3 ? 0x800 : 0x10000)
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { return (nil, 1) }
        return (scalar, length)
    }
}
