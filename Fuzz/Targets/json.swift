// libFuzzer entry point for the 'json' property (see FuzzProperties.json).

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(FuzzProperties.json, data, size)
}
