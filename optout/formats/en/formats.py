# English dates as the guide writes them: "3 November 2025" (Django's default is "Nov. 3, 2025").
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
