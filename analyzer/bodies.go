package analyzer

var BodyNotClosed = &Check{ID: "KA1004", Name: "body-not-closed"}
var BodyNotDrained = &Check{ID: "KA1005", Name: "body-not-drained"}

func runBodies(p *pass) {}
