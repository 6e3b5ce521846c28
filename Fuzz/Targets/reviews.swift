// libFuzzer entry point for the 'reviews' property (see FuzzProperties.reviews).

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(FuzzProperties.reviews, data, size)
}
