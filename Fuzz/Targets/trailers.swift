// libFuzzer entry point for the 'trailers' property (see FuzzProperties.trailers).

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(FuzzProperties.trailers, data, size)
}
