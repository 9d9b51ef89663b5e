from colibri_cli.cli.app import main

main()
