package cli

func init() {
	registerVendor("onezone", "", nil) // named tokens have both
}
