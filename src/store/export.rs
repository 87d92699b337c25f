use super::{Revision, Store, ToolInfo};
use crate::domain::evaluation::{Evaluation, Judgements};
use crate::domain::school::School;

/// Everything in the database, read in one go for exports.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub schools: Vec<School>,
    /// Each stored tool version with its original file text.
    pub tools: Vec<(ToolInfo, String)>,
    pub evaluations: Vec<EvaluationRecord>,
}

#[derive(Debug, Clone)]
pub struct EvaluationRecord {
    pub evaluation: Evaluation,
    pub tool: std::rc::Rc<crate::domain::tool::Tool>,
    pub judgements: Judgements,
    pub history: Vec<Revision>,
}

impl Store {
    pub fn snapshot(&self) -> super::Result<Snapshot> {
        let tools = self
            .all_tools()?
            .into_iter()
            .map(|info| {
                let source = self.tool_source(&info.id, info.version)?;
                Ok((info, source))
            })
            .collect::<super::Result<_>>()?;
        let evaluations = self
            .evaluations()?
            .into_iter()
            .map(|evaluation| {
                Ok(EvaluationRecord {
                    tool: self.tool(&evaluation.tool_id, evaluation.tool_version)?,
                    judgements: self.judgements(evaluation.id)?,
                    history: self.history(evaluation.id, None)?,
                    evaluation,
                })
            })
            .collect::<super::Result<_>>()?;
        Ok(Snapshot {
            schools: self.schools()?,
            tools,
            evaluations,
        })
    }
}
