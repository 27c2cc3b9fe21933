package compat

const docHeader = "# Compatibility\n"

var bugs = []clientBug{
	{ID: "CSGO-TILDE"}, {ID: "CSGO-GETUSER"}, {ID: "CSGO-ASYNCREG"},
}

var notes = []string{}
