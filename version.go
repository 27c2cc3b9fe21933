package cloudkeys

// Version is the SDK version sent in the User-Agent header as
// "cloudkeys-go/<Version>". CHANGELOG.md lists what each version changed.
const Version = "0.2.0"
