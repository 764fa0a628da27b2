package analyzer

// TransportPerRequest is KA1002. TODO(helper): documentation fields.
var TransportPerRequest = &Check{
	ID:   "KA1002",
	Name: "transport-per-request",
}

func runTransportPerRequest(p *pass) {}
