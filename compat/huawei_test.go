package compat

func huaweiCases() []compatCase { return nil }
