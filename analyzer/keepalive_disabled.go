package analyzer

// KeepAliveDisabled is KA1003. TODO(helper): documentation fields.
var KeepAliveDisabled = &Check{
	ID:   "KA1003",
	Name: "keepalive-disabled",
}

func runKeepAliveDisabled(p *pass) {}
