"""The MkDocs adapter's parts, which plugin.py wires to MkDocs' events: the plugin's options (config), the pages it
adds or replaces (pages), the interface languages (languages) and the files it writes beside the HTML (outputs).
A port to another generator replaces plugin.py and this package; the content core knows neither."""
