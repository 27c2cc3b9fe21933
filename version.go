package cloudkeys

// Version is the SDK version sent in the User-Agent header as
// "cloudkeys-go/<Version>".
const Version = "0.1.0"
