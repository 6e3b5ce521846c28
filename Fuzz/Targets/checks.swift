// libFuzzer entry point for the 'checks' property (see FuzzProperties.checks).

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(FuzzProperties.checks, data, size)
}
