"""Seed the wrap-up topic list and a few canned responses in English and Spanish."""

from django.db import migrations

TOPICS = [
    ("car-t-treatment", "CAR T-cell therapy: treatment", "Terapia de células CAR T: tratamiento"),
    ("side-effects", "Side effects", "Efectos secundarios"),
    ("diagnosis", "New diagnosis", "Diagnóstico reciente"),
    ("emotional-support", "Emotional support", "Apoyo emocional"),
    ("caregiver", "Caregiver support", "Apoyo para cuidadores"),
    ("financial", "Costs and financial help", "Costos y ayuda económica"),
    ("lodging-transport", "Lodging and transportation", "Alojamiento y transporte"),
    ("clinical-trials", "Clinical trials", "Estudios clínicos"),
    ("urgent-symptoms", "Urgent symptoms (referred to care team)",
     "Síntomas urgentes (referido al equipo médico)"),
    ("other", "Other", "Otro"),
]

CANNED = [
    ("greeting", 10,
     "Greeting",
     "Hello, thank you for reaching out. I'm a cancer information specialist. How can I help you today?",
     "Saludo",
     "Hola, gracias por comunicarse con nosotros. Soy especialista en información sobre el cáncer. ¿En qué le puedo ayudar hoy?"),
    ("still-there", 20,
     "Are you still there?",
     "Are you still there? Take your time — I'm here when you're ready.",
     "¿Sigue ahí?",
     "¿Sigue ahí? Tómese su tiempo; aquí estoy cuando esté listo o lista."),
    ("care-team", 30,
     "Ask your care team",
     "Your care team knows your situation best. It's a good idea to ask them about this. Would you like help preparing questions for them?",
     "Pregunte a su equipo médico",
     "Su equipo médico conoce mejor su situación. Es buena idea preguntarles sobre esto. ¿Quiere ayuda para preparar sus preguntas?"),
    ("urgent", 40,
     "Urgent symptoms",
     "What you describe can be serious. Please call your treatment team right now, or 911 if it is an emergency. After CAR T-cell therapy, fever or confusion needs a call to the team straight away.",
     "Síntomas urgentes",
     "Lo que describe puede ser grave. Llame ahora mismo a su equipo de tratamiento, o al 911 si es una emergencia. Después de la terapia CAR T, la fiebre o la confusión requieren llamar al equipo de inmediato."),
    ("closing", 50,
     "Closing",
     "Thank you for chatting with us. You can reach us 24/7 by phone, and you can start a new chat any time we're open. Take care.",
     "Despedida",
     "Gracias por conversar con nosotros. Puede llamarnos las 24 horas, todos los días, y puede iniciar un nuevo chat cuando estemos abiertos. Cuídese."),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("chat_console", "WrapUpTopic")
    Canned = apps.get_model("chat_console", "CannedResponse")
    for order, (code, en, es) in enumerate(TOPICS):
        Topic.objects.get_or_create(
            code=code, defaults={"label_en": en, "label_es": es, "sort_order": (order + 1) * 10}
        )
    for key, order, title_en, text_en, title_es, text_es in CANNED:
        Canned.objects.get_or_create(
            key=key, language="en", defaults={"title": title_en, "text": text_en, "sort_order": order}
        )
        Canned.objects.get_or_create(
            key=key, language="es", defaults={"title": title_es, "text": text_es, "sort_order": order}
        )


def unseed(apps, schema_editor):
    apps.get_model("chat_console", "WrapUpTopic").objects.filter(
        code__in=[t[0] for t in TOPICS]).delete()
    apps.get_model("chat_console", "CannedResponse").objects.filter(
        key__in=[c[0] for c in CANNED]).delete()


class Migration(migrations.Migration):
    dependencies = [("chat_console", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
