from spoorvast.cli.app import main

main()
