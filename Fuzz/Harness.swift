// Shared by every fuzz target: hands libFuzzer's bytes to a property and turns a failed property
// into a crash, which libFuzzer records with the input that caused it.

import Foundation

/// Runs `property` on one libFuzzer input; a failure aborts the process with its description.
func fuzz(_ property: FuzzProperty, _ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let failure = property.check(bytes) {
        FileHandle.standardError.write(Data("\nfuzz property '\(property.name)' failed: \(failure)\n".utf8))
        abort()
    }
    return 0
}
