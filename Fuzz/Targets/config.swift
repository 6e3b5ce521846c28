// libFuzzer entry point for the 'config' property (see FuzzProperties.config).

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(FuzzProperties.config, data, size)
}
