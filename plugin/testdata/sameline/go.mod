module example.com/sameline

go 1.26.0
