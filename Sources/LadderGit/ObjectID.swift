import Clibgit2

/// A git object id (SHA-1), stored by value.
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
    fileprivate var high: UInt64
    fileprivate var middle: UInt64
    fileprivate var low: UInt32

    init(_ oid: git_oid) {
        var copy = oid
        (high, middle, low) = withUnsafeBytes(of: &copy.id) { raw in
            (
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
            )
        }
    }

    init(_ pointer: UnsafePointer<git_oid>) {
        self.init(pointer.pointee)
    }

    var oid: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            raw.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: middle.bigEndian, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: low.bigEndian, toByteOffset: 16, as: UInt32.self)
        }
        return oid
    }

    /// Parses a full 40-character hexadecimal id.
    public init?(hex: String) {
        let bytes = Array(hex.utf8)
        guard bytes.count == 40 else { return nil }
        var values: [UInt64] = [0, 0, 0]
        for (index, byte) in bytes.enumerated() {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            let slot = index < 16 ? 0 : (index < 32 ? 1 : 2)
            values[slot] = values[slot] << 4 | digit
        }
        high = values[0]
        middle = values[1]
        low = UInt32(values[2])
    }

    /// The all-zero id, which git uses for "no object".
    public static let zero = ObjectID(hex: String(repeating: "0", count: 40))!

    public var isZero: Bool { high == 0 && middle == 0 && low == 0 }

    /// The 40-character lowercase hexadecimal form.
    public var hex: String {
        var out: [UInt8] = []
        out.reserveCapacity(40)
        appendHex(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the 40-character lowercase hexadecimal form to `output`, without making a string.
    public func appendHex(to output: inout [UInt8]) {
        func put(_ value: UInt64, nibbles: Int) {
            for shift in stride(from: 4 * (nibbles - 1), through: 0, by: -4) {
                let nibble = UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0xF
                output.append(nibble < 10 ? 0x30 + nibble : 0x57 + nibble)
            }
        }
        put(high, nibbles: 16)
        put(middle, nibbles: 16)
        put(UInt64(low), nibbles: 8)
    }

    /// The raw 20 bytes.
    public var bytes: [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(20)
        withUnsafeBytes(of: high.bigEndian) { result.append(contentsOf: $0) }
        withUnsafeBytes(of: middle.bigEndian) { result.append(contentsOf: $0) }
        withUnsafeBytes(of: low.bigEndian) { result.append(contentsOf: $0) }
        return result
    }

    /// The first seven hexadecimal digits, as git abbreviates by default.
    public var short: String { String(hex.prefix(7)) }

    public var description: String { hex }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        (lhs.high, lhs.middle, lhs.low) < (rhs.high, rhs.middle, rhs.low)
    }
}
