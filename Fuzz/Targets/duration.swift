// libFuzzer entry point for the 'duration' property (see FuzzProperties.duration).

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(FuzzProperties.duration, data, size)
}
