// libFuzzer entry point for the 'cron' property (see FuzzProperties.cron).

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(FuzzProperties.cron, data, size)
}
