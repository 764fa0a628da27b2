package analyzer

// DefaultClient is KA1001. TODO(helper): documentation fields.
var DefaultClient = &Check{
	ID:   "KA1001",
	Name: "default-client",
}

func runDefaultClient(p *pass) {}
