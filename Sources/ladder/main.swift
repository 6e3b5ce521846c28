import LadderCLI

LadderMain.run()
