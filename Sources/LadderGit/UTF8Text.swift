/// UTF-8 validation for the hot paths: tree entry names, values scanned out of YAML files.
public enum UTF8Text {
    /// `bytes` as a string when they are valid UTF-8, nil otherwise.
    ///
    /// ASCII, which nearly every name and value is, is decoded without the standard library's
    /// `String(validating:as:)`: that one is generic over the encoding, is not specialised for
    /// callers outside the standard library, and costs about a thousand instructions a call.
    public static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var isASCII = true
        for byte in bytes where byte >= 0x80 {
            isASCII = false
            break
        }
        if isASCII { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    /// ``string(_:)`` for an array slice.
    public static func string(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.withUnsafeBufferPointer(string)
    }
}
