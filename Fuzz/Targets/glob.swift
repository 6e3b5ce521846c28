// libFuzzer entry point for the 'glob' property (see FuzzProperties.glob).

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(FuzzProperties.glob, data, size)
}
