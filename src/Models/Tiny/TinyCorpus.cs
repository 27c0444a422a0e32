namespace BioEval.Models.Tiny;

/// <summary>
/// Synthetic English and clinical-style text (written for BioEval, no patient data) from which the tiny
/// tokenizer's merges are learned. Changing it changes every tiny model's vocabulary.
/// </summary>
internal static class TinyCorpus
{
    public const string Text = """
        The patient is a sixty year old woman who presents to the clinic with shortness of breath and a dry cough.
        She reports that the symptoms started three days ago and have become worse at night.
        There is no fever, no chest pain and no history of recent travel.
        On examination the blood pressure is 142/88 mmHg, the heart rate is 96 beats per minute and the temperature is 37.1 C.
        The lungs show mild wheezing on both sides. The heart sounds are regular without murmurs.
        Laboratory results show a normal white blood cell count, a hemoglobin of 12.4 g/dL and a creatinine of 0.9 mg/dL.
        The chest x-ray shows no infiltrate and no effusion.
        Assessment: acute exacerbation of asthma, likely triggered by a viral infection.
        Plan: start inhaled corticosteroids, continue the rescue inhaler as needed, and follow up in two weeks.
        The patient was advised to return to the emergency department if the breathing becomes worse.

        A man of forty five years was admitted to the hospital with abdominal pain in the right lower quadrant.
        The pain began around the umbilicus and moved to the right side over twelve hours.
        He had nausea and one episode of vomiting. The white blood cell count was elevated.
        An ultrasound of the abdomen showed an enlarged appendix with surrounding fluid.
        The diagnosis was acute appendicitis and the patient underwent laparoscopic appendectomy.
        The operation was without complications and he was discharged on the second day after surgery.
        Discharge medications: paracetamol 500 mg every six hours as needed for pain.
        Follow up with the surgical clinic in ten days for wound check.

        Question: Does the patient have a history of diabetes? Answer: Yes, type 2 diabetes treated with metformin.
        Question: What is the main diagnosis? Answer: Community acquired pneumonia of the left lower lobe.
        Question: Which medication was started at discharge? Answer: Amoxicillin for seven days.
        Summary: The patient was treated for pneumonia with antibiotics and improved. Oxygen was stopped on day three.

        Premise: The patient denies any chest pain. Hypothesis: The patient has chest pain. Label: contradiction.
        Premise: The patient has a fever of 39 C. Hypothesis: The patient is febrile. Label: entailment.
        Premise: The patient was seen in the clinic. Hypothesis: The patient has a sister. Label: neutral.

        The doctor reviewed the medical history, the current medications and the allergies of the patient.
        Medications include lisinopril 10 mg daily, atorvastatin 20 mg at night and aspirin 100 mg daily.
        Allergies: penicillin causes a rash. The patient does not smoke and drinks alcohol rarely.
        The family history is notable for heart disease in the father and breast cancer in the mother.
        The problem list includes hypertension, hyperlipidemia, chronic kidney disease stage 3 and obesity.
        The patient will continue the current treatment and the doctor will check the kidney function in three months.

        Clinical notes are written quickly and contain many abbreviations, numbers and units.
        A good summary keeps the important findings, the diagnosis and the plan, and leaves out the details.
        The model should answer the question with the information in the note and should not invent facts.
        When the answer is not in the text, the model should say that the information is not available.
        """;
}
