// libFuzzer entry point for the 'timestamp' property (see FuzzProperties.timestamp).

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(FuzzProperties.timestamp, data, size)
}
