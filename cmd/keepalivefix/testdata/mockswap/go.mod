module example.com/mockswap

go 1.26
